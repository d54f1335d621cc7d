import { customerProfileSchema, errorResponseSchema, updateCustomerProfileRequestSchema } from '@charter/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';
import { actorOf } from '../auth/user-mapping.js';
import { toCustomerProfileBody, toCustomerProfileFields } from './profile-mapping.js';

/**
 * The signed-in customer's own profile (ACC-6): `/api/v1/account/profile`, session cookie only, CSRF on writes.
 * There is no user id in the URL: a person can only ever read and change their own profile.
 */
export function profileRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const accounts = context.services.accounts;
  const common = { tags: ['Account'] };
  const preHandler = context.authenticateSession;

  typed.get('/api/v1/account/profile', { preHandler, schema: { ...common, summary: 'My customer profile', response: { 200: customerProfileSchema, '4xx': errorResponseSchema } } }, async (request) => {
    const user = await accounts.access.assertCanAuthenticate(request.principal.userId);
    return toCustomerProfileBody(await accounts.profiles.get(user.id), user.email, { isForStaff: false });
  });

  typed.put(
    '/api/v1/account/profile',
    {
      preHandler,
      schema: { ...common, summary: 'Replace my customer profile (a change resets its verification)', body: updateCustomerProfileRequestSchema, response: { 200: customerProfileSchema, '4xx': errorResponseSchema } },
    },
    async (request) => {
      const user = await accounts.access.assertCanAuthenticate(request.principal.userId);
      const profile = await accounts.profiles.update(user.id, toCustomerProfileFields(request.body), actorOf(request));
      return toCustomerProfileBody(profile, user.email, { isForStaff: false });
    },
  );
}
