import {
  adminUserParamsSchema,
  adminUserSchema,
  changeAccountStatusRequestSchema,
  customerProfileSchema,
  errorResponseSchema,
  profileVerificationRequestSchema,
} from '@charter/contracts';
import { NotFoundError, type StaffPermission } from '@charter/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toCustomerProfileBody, toStatusChangeBody } from '../account/profile-mapping.js';
import { actorOf, userBodyOf } from '../auth/user-mapping.js';
import type { RouteContext } from '../route-context.js';

/**
 * Staff tools for accounts (ACC-6, ACC-10, ADM-6): `/api/v1/admin/users/{user_id}`. Staff sign in with their
 * session (CSRF on writes) and need the permission of each route; the instance owner may use a key with the
 * `admin` scope. Every change is audited by the services.
 */
export function usersAdminRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const accounts = context.services.accounts;
  const common = { tags: ['Administration: users'], security: [{ bearerAuth: [] }] };
  const errors = { '4xx': errorResponseSchema };
  const staffWith = async (request: FastifyRequest, permission: StaffPermission) => {
    await context.authenticate(request);
    return context.services.adminAccess.assertCanAdminister(request.principal, permission);
  };

  const adminUserBody = async (userId: string) => {
    const user = await accounts.users.findById(userId);
    if (!user) throw new NotFoundError('User', 'user_id');
    return {
      object: 'admin_user' as const,
      user: await userBodyOf(context, user),
      locked: user.lockedAt !== null,
      deletion_requested: user.deletionRequestedAt !== null,
      status_history: (await accounts.statuses.history(user.id)).map(toStatusChangeBody),
      profile: toCustomerProfileBody(await accounts.profiles.get(user.id), user.email, { isForStaff: true }),
    };
  };

  typed.get(
    '/api/v1/admin/users/:user_id',
    { schema: { ...common, summary: 'A user with state history and customer profile', params: adminUserParamsSchema, response: { 200: adminUserSchema, ...errors } } },
    async (request) => {
      await staffWith(request, 'users.read');
      return adminUserBody(request.params.user_id);
    },
  );

  typed.post(
    '/api/v1/admin/users/:user_id/status',
    {
      schema: {
        ...common,
        summary: 'Change the state of an account (active, restricted, suspended, terminated) with a reason',
        params: adminUserParamsSchema,
        body: changeAccountStatusRequestSchema,
        response: { 200: adminUserSchema, ...errors },
      },
    },
    async (request) => {
      const staff = await staffWith(request, 'users.change_status');
      await accounts.statuses.changeStatus({ userId: request.params.user_id, status: request.body.status, reason: request.body.reason }, staff, actorOf(request));
      return adminUserBody(request.params.user_id);
    },
  );

  typed.post(
    '/api/v1/admin/users/:user_id/profile/verification',
    {
      schema: {
        ...common,
        summary: 'Set the verification status of a customer profile',
        params: adminUserParamsSchema,
        body: profileVerificationRequestSchema,
        response: { 200: customerProfileSchema, ...errors },
      },
    },
    async (request) => {
      const staff = await staffWith(request, 'profiles.verify');
      const profile = await accounts.profiles.setVerification(request.params.user_id, { status: request.body.status, note: request.body.note ?? null, revision: request.body.revision ?? null }, staff, actorOf(request));
      const user = await accounts.users.findById(request.params.user_id);
      return toCustomerProfileBody(profile, user?.email ?? null, { isForStaff: true });
    },
  );
}
