import {
  acceptedResponseSchema,
  changePasswordRequestSchema,
  errorResponseSchema,
  noContentSchema,
  reauthenticationSchema,
  revokedCountSchema,
  sessionListSchema,
  sessionParamsSchema,
  updateProfileRequestSchema,
  userSchema,
} from '@charter/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clearSessionCookie } from '../../plugins/auth.js';
import type { RouteContext } from '../route-context.js';
import { actorOf, toSessionBody, userBodyOf } from './user-mapping.js';

/**
 * The signed-in person's own account (ACC-3, ACC-8, ACC-9): `/api/v1/account/*`, with the session cookie only
 * (an API key cannot change the account that owns it). Every write needs the CSRF token.
 */
export function accountRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const accounts = context.services.accounts;
  const common = { tags: ['Account'] };
  const preHandler = context.authenticateSession;
  const currentUser = (request: FastifyRequest) => accounts.access.assertCanAuthenticate(request.principal.userId);
  const userBody = async (request: FastifyRequest) => {
    accounts.access.forget(request.principal.userId);
    const user = await currentUser(request);
    return await userBodyOf(context, user);
  };

  typed.get('/api/v1/account', { preHandler, schema: { ...common, summary: 'My account', response: { 200: userSchema, '4xx': errorResponseSchema } } }, async (request) => userBody(request));

  typed.patch(
    '/api/v1/account',
    { preHandler, schema: { ...common, summary: 'Update my profile', body: updateProfileRequestSchema, response: { 200: userSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      await accounts.users.setDisplayName(request.principal.userId, request.body.display_name.trim(), new Date());
      return userBody(request);
    },
  );

  typed.post(
    '/api/v1/account/verify-email/resend',
    { preHandler, schema: { ...common, summary: 'Send the verification email again', response: { 202: acceptedResponseSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await accounts.registration.resendVerification(await currentUser(request));
      return reply.status(202).send({ object: 'accepted' as const, message: 'We sent a new verification link.' });
    },
  );

  typed.post(
    '/api/v1/account/password',
    { preHandler, schema: { ...common, summary: 'Change my password (signs out my other sessions)', body: changePasswordRequestSchema, response: { 200: userSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      await accounts.passwords.change(
        await currentUser(request),
        { currentPassword: request.body.current_password, newPassword: request.body.new_password, keepSessionId: request.principal.sessionId },
        actorOf(request),
      );
      return userBody(request);
    },
  );

  typed.get(
    '/api/v1/account/sessions',
    { preHandler, schema: { ...common, summary: 'My signed-in sessions', response: { 200: sessionListSchema, '4xx': errorResponseSchema } } },
    async (request) => ({
      object: 'list' as const,
      data: (await accounts.sessions.list(request.principal.userId)).map((session) => toSessionBody(session, request.principal.sessionId, context.config.accounts.sessionIdleTimeoutMs)),
    }),
  );

  typed.post(
    '/api/v1/account/sessions/:session_id/revoke',
    { preHandler, schema: { ...common, summary: 'Sign out one of my sessions', params: sessionParamsSchema, response: { 204: noContentSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await accounts.sessions.revoke(request.principal.userId, request.params.session_id, actorOf(request));
      if (request.params.session_id === request.principal.sessionId) clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/api/v1/account/sessions/revoke-others',
    { preHandler, schema: { ...common, summary: 'Sign out every other session', response: { 200: revokedCountSchema, '4xx': errorResponseSchema } } },
    async (request) => ({ object: 'revoked' as const, count: await accounts.sessions.revokeAll(request.principal.userId, actorOf(request), request.principal.sessionId ?? undefined) }),
  );

  typed.post(
    '/api/v1/account/report-compromise',
    { preHandler, schema: { ...common, summary: '"This wasn\'t me": lock my account, revoke every session and key, email a recovery link', response: { 202: acceptedResponseSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await accounts.security.reportCompromise(await currentUser(request), actorOf(request));
      clearSessionCookie(reply);
      return reply.status(202).send({ object: 'accepted' as const, message: 'The account is locked: every session and API key was revoked. We emailed a link to recover it.' });
    },
  );

  typed.post(
    '/api/v1/account/delete',
    { preHandler, schema: { ...common, summary: 'Delete my account (asks for my password, and a code when two-factor authentication is on)', body: reauthenticationSchema, response: { 202: acceptedResponseSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await accounts.security.deleteAccount(await currentUser(request), request.session ?? null, { password: request.body.password, code: request.body.code }, actorOf(request));
      clearSessionCookie(reply);
      return reply.status(202).send({ object: 'accepted' as const, message: 'Your account was deleted. Amounts already due stay due.' });
    },
  );
}
