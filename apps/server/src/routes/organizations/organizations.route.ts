import {
  acceptInvitationRequestSchema,
  changeMemberRoleRequestSchema,
  createInvitationRequestSchema,
  createOrganizationRequestSchema,
  errorResponseSchema,
  memberRemovalSchema,
  noContentSchema,
  organizationDeletedSchema,
  organizationInvitationListSchema,
  organizationInvitationParamsSchema,
  organizationInvitationSchema,
  organizationListSchema,
  organizationMemberListSchema,
  organizationMemberParamsSchema,
  organizationMemberSchema,
  organizationParamsSchema,
  organizationSchema,
  removeMemberRequestSchema,
  updateOrganizationRequestSchema,
} from '@charter/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/user-mapping.js';
import type { RouteContext } from '../route-context.js';
import { toInvitationBody, toKeyDisposition, toMemberBody, toOrganizationBody } from './organization-mapping.js';

/**
 * Organisations (ACC-7): `/api/v1/organizations/*` and `/api/v1/invitations/accept`, with the session cookie
 * only (like the account pages), CSRF on every write. Every call checks the caller's membership and the
 * permission table in core against the database; organisations the caller is not in answer 404.
 */
export function organizationsRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { organizations, invitations } = context.services.organizations;
  const accounts = context.services.accounts;
  const preHandler = context.authenticateSession;
  const common = { tags: ['Organizations'] };
  const errors = { '4xx': errorResponseSchema };

  typed.post(
    '/api/v1/organizations',
    { preHandler, schema: { ...common, summary: 'Create an organization (I become its owner)', body: createOrganizationRequestSchema, response: { 201: organizationSchema, ...errors } } },
    async (request, reply) => {
      const user = await accounts.access.assertCanUseService(request.principal.userId);
      return reply.status(201).send(toOrganizationBody(await organizations.create(user, request.body.name, actorOf(request))));
    },
  );

  typed.get('/api/v1/organizations', { preHandler, schema: { ...common, summary: 'The organizations I belong to, with my role', response: { 200: organizationListSchema, ...errors } } }, async (request) => ({
    object: 'list' as const,
    data: (await organizations.listForUser(request.principal.userId)).map(toOrganizationBody),
  }));

  typed.get(
    '/api/v1/organizations/:organization_id',
    { preHandler, schema: { ...common, summary: 'One of my organizations', params: organizationParamsSchema, response: { 200: organizationSchema, ...errors } } },
    async (request) => toOrganizationBody(await organizations.get(request.principal.userId, request.params.organization_id)),
  );

  typed.patch(
    '/api/v1/organizations/:organization_id',
    { preHandler, schema: { ...common, summary: 'Rename an organization (owner, admin)', params: organizationParamsSchema, body: updateOrganizationRequestSchema, response: { 200: organizationSchema, ...errors } } },
    async (request) => toOrganizationBody(await organizations.rename(request.principal.userId, request.params.organization_id, request.body.name, actorOf(request))),
  );

  typed.delete(
    '/api/v1/organizations/:organization_id',
    { preHandler, schema: { ...common, summary: 'Delete an organization (owner): its keys are revoked, its usage is kept for billing', params: organizationParamsSchema, response: { 200: organizationDeletedSchema, ...errors } } },
    async (request) => {
      const revoked = await organizations.delete(request.principal.userId, request.params.organization_id, actorOf(request));
      return { object: 'organization.deleted' as const, id: request.params.organization_id, deleted: true as const, revoked_api_keys: revoked };
    },
  );

  typed.get(
    '/api/v1/organizations/:organization_id/members',
    { preHandler, schema: { ...common, summary: 'Members and their roles', params: organizationParamsSchema, response: { 200: organizationMemberListSchema, ...errors } } },
    async (request) => ({ object: 'list' as const, data: (await organizations.listMembers(request.principal.userId, request.params.organization_id)).map(toMemberBody) }),
  );

  typed.patch(
    '/api/v1/organizations/:organization_id/members/:user_id',
    { preHandler, schema: { ...common, summary: "Change a member's role", params: organizationMemberParamsSchema, body: changeMemberRoleRequestSchema, response: { 200: organizationMemberSchema, ...errors } } },
    async (request) => {
      const { organization_id: organizationId, user_id: userId } = request.params;
      await organizations.changeRole(request.principal.userId, organizationId, userId, request.body.role, actorOf(request));
      const member = (await organizations.listMembers(request.principal.userId, organizationId)).find((candidate) => candidate.userId === userId);
      if (!member) throw new Error('member vanished after a role change');
      return toMemberBody(member);
    },
  );

  typed.post(
    '/api/v1/organizations/:organization_id/members/:user_id/remove',
    {
      preHandler,
      schema: {
        ...common,
        summary: 'Remove a member, or leave (my own user id); their keys for the organization are revoked or transferred',
        params: organizationMemberParamsSchema,
        body: removeMemberRequestSchema,
        response: { 200: memberRemovalSchema, ...errors },
      },
    },
    async (request) => {
      const { organization_id: organizationId, user_id: userId } = request.params;
      const removal = await organizations.removeMember(request.principal.userId, organizationId, userId, toKeyDisposition(request.body.keys), actorOf(request));
      return {
        object: 'organization.member.removed' as const,
        user_id: removal.userId,
        revoked_api_key_ids: removal.revokedKeyIds,
        transferred_api_key_ids: removal.transferredKeyIds,
        transferred_to: removal.transferredTo,
      };
    },
  );

  typed.post(
    '/api/v1/organizations/:organization_id/invitations',
    { preHandler, schema: { ...common, summary: 'Invite someone by email (the link is emailed)', params: organizationParamsSchema, body: createInvitationRequestSchema, response: { 201: organizationInvitationSchema, ...errors } } },
    async (request, reply) => {
      const invitation = await invitations.invite(request.principal.userId, request.params.organization_id, { email: request.body.email, role: request.body.role }, actorOf(request));
      return reply.status(201).send(toInvitationBody(invitation));
    },
  );

  typed.get(
    '/api/v1/organizations/:organization_id/invitations',
    { preHandler, schema: { ...common, summary: 'Pending invitations', params: organizationParamsSchema, response: { 200: organizationInvitationListSchema, ...errors } } },
    async (request) => ({ object: 'list' as const, data: (await invitations.listPending(request.principal.userId, request.params.organization_id)).map(toInvitationBody) }),
  );

  typed.post(
    '/api/v1/organizations/:organization_id/invitations/:invitation_id/revoke',
    { preHandler, schema: { ...common, summary: 'Revoke a pending invitation', params: organizationInvitationParamsSchema, response: { 204: noContentSchema, ...errors } } },
    async (request, reply) => {
      await invitations.revoke(request.principal.userId, request.params.organization_id, request.params.invitation_id, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/api/v1/invitations/accept',
    { preHandler, schema: { ...common, summary: 'Accept an invitation (signed in with the invited, verified address)', body: acceptInvitationRequestSchema, response: { 200: organizationSchema, ...errors } } },
    async (request) => {
      accounts.access.forget(request.principal.userId);
      const user = await accounts.access.assertCanAuthenticate(request.principal.userId);
      return toOrganizationBody(await invitations.accept(user, request.body.token, actorOf(request)));
    },
  );
}
