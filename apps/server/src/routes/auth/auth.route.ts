import {
  acceptedResponseSchema,
  errorResponseSchema,
  noContentSchema,
  legalVersionsSchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  registerRequestSchema,
  sessionStateSchema,
  signInRequestSchema,
  signInResponseSchema,
  tokenRequestSchema,
  userSchema,
} from '@charter/contracts';
import { deriveCsrfToken, generateOpaqueToken } from '@charter/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clearSessionCookie, deviceCookieName, sessionTokenOf, setDeviceCookie } from '../../plugins/auth.js';
import type { RouteContext } from '../route-context.js';
import { startSession, toApplicationFields } from './session-start.js';
import { originOf, userBodyOf } from './user-mapping.js';

/**
 * Signing up, in and out, email verification and password reset (ACC-1, ACC-3, ACC-8): `/api/v1/auth/*`.
 * These routes need no credentials; each is throttled in core.
 */
export function authRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const accounts = context.services.accounts;
  const cookieMode = context.config.accounts.cookieSecure;
  const common = { tags: ['Sign-in'] };

  const deviceTokenOf = (request: FastifyRequest) => request.cookies[deviceCookieName] ?? null;

  typed.get('/api/v1/legal/current', { schema: { ...common, summary: 'Versions of the Terms and Privacy Policy in force', response: { 200: legalVersionsSchema } } }, async () => ({
    object: 'legal_versions' as const,
    terms: context.config.accounts.legal.termsVersion,
    privacy: context.config.accounts.legal.privacyVersion,
  }));

  typed.post(
    '/api/v1/auth/register',
    { schema: { ...common, summary: 'Create an account (18+ or the age of majority, eligible region, current terms accepted)', body: registerRequestSchema, response: { 201: sessionStateSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const body = request.body;
      const origin = originOf(request);
      const user = await accounts.registration.register(
        { email: body.email, password: body.password, ...toApplicationFields(body) },
        origin,
      );
      const deviceToken = deviceTokenOf(request) ?? generateOpaqueToken();
      const opened = await accounts.signIn.completeSignIn(user, origin, deviceToken, 'registration', { isNewAccount: true });
      return reply.status(201).send(await startSession(context, request, reply, user, opened, deviceToken));
    },
  );

  typed.post(
    '/api/v1/auth/verify-email',
    { schema: { ...common, summary: 'Verify an email address with the token from the verification link', body: tokenRequestSchema, response: { 200: userSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const user = await accounts.registration.verifyEmail(request.body.token);
      accounts.access.forget(user.id);
      return await userBodyOf(context, user);
    },
  );

  typed.post(
    '/api/v1/auth/sign-in',
    { schema: { ...common, summary: 'Sign in with email and password', body: signInRequestSchema, response: { 200: signInResponseSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const result = await accounts.signIn.signInWithPassword({ email: request.body.email, password: request.body.password, deviceToken: deviceTokenOf(request) }, originOf(request));
      if (result.kind === 'second_factor_required') {
        setDeviceCookie(request, reply, result.deviceToken, cookieMode);
        return { status: 'second_factor_required' as const, challenge_token: result.challengeToken };
      }
      return { status: 'signed_in' as const, ...(await startSession(context, request, reply, result.user, result.opened, result.deviceToken)) };
    },
  );

  typed.post(
    '/api/v1/auth/sign-out',
    { schema: { ...common, summary: 'Sign out (ends this session)', response: { 204: noContentSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const token = sessionTokenOf(request);
      if (token) {
        await context.authenticateSession(request);
        await accounts.sessions.revoke(request.principal.userId, request.principal.sessionId!, { userId: request.principal.userId, apiKeyId: null, requestId: request.id, via: 'api' });
      }
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  typed.get(
    '/api/v1/auth/session',
    { preHandler: context.authenticateSession, schema: { ...common, summary: 'The signed-in person and the CSRF token of this session', response: { 200: sessionStateSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const user = await accounts.access.assertCanAuthenticate(request.principal.userId);
      return {
        object: 'session_state' as const,
        user: await userBodyOf(context, user),
        session_id: request.session!.id,
        csrf_token: deriveCsrfToken(request.sessionToken!),
      };
    },
  );

  typed.post(
    '/api/v1/auth/password-reset',
    { schema: { ...common, summary: 'Email a password-reset link (same answer whether or not the address has an account)', body: passwordResetRequestSchema, response: { 202: acceptedResponseSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await accounts.passwords.requestReset(request.body.email, originOf(request));
      return reply.status(202).send({ object: 'accepted' as const, message: 'If an account uses this address, we sent it a link to reset the password.' });
    },
  );

  typed.post(
    '/api/v1/auth/password-reset/confirm',
    { schema: { ...common, summary: 'Set a new password with a reset link (signs out everywhere; recovers a locked account)', body: passwordResetConfirmSchema, response: { 200: userSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const user = await accounts.passwords.confirmReset(request.body.token, request.body.password, request.id);
      return await userBodyOf(context, user);
    },
  );

  typed.post(
    '/api/v1/auth/report-compromise',
    { schema: { ...common, summary: '"This wasn\'t me": lock the account from the link in a new-sign-in email', body: tokenRequestSchema, response: { 202: acceptedResponseSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await accounts.security.reportCompromiseByLink(request.body.token, request.id);
      clearSessionCookie(reply);
      return reply.status(202).send({ object: 'accepted' as const, message: 'The account is locked: every session and API key was revoked. We emailed a link to recover it.' });
    },
  );
}
