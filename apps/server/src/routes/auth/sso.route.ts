import {
  errorResponseSchema,
  noContentSchema,
  reauthenticationSchema,
  sessionStateSchema,
  ssoIdentityListSchema,
  ssoIdentityParamsSchema,
  ssoPendingRegistrationSchema,
  ssoProviderListSchema,
  ssoProviderParamsSchema,
  ssoRegisterRequestSchema,
  ssoStartQuerySchema,
  tokenRequestSchema,
} from '@charter/contracts';
import { CharterError, defaultReturnPaths, generateOpaqueToken, type Session, type SsoCallbackOutcome, SsoFailedError, type SsoIdentity } from '@charter/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { deviceCookieName, isSecureRequest, sessionTokenOf, setDeviceCookie, setSessionCookie } from '../../plugins/auth.js';
import type { RouteContext } from '../route-context.js';
import { startSession, toApplicationFields } from './session-start.js';
import { actorOf, originOf } from './user-mapping.js';

/** Binds a started round trip to the browser that started it (HttpOnly, only sent to the SSO routes). */
export const ssoBindingCookieName = 'charter_sso';
const ssoCookiePath = '/api/v1/auth/sso/';

/**
 * Sign-in with identity providers (ACC-5). The start and callback routes are browser navigations, so they
 * answer with redirects into the web app; results and errors travel in the fragment (never logged or sent on).
 */
export function ssoRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { sso, accounts } = context.services;
  const cookieMode = context.config.accounts.cookieSecure;
  const common = { tags: ['Sign-in'] };

  /** The signed-in session of a navigation, if any (GET: no CSRF token involved). */
  const optionalSession = async (request: FastifyRequest): Promise<Session | null> => {
    if (!sessionTokenOf(request)) return null;
    try {
      await context.authenticateSession(request);
      return request.session ?? null;
    } catch {
      return null;
    }
  };
  const failureRedirect = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!(error instanceof CharterError)) throw error;
    const reason = error instanceof SsoFailedError ? error.reason : error.code;
    request.log.warn({ reason, cause: error.cause instanceof Error ? error.cause.message : undefined }, 'sso round trip failed');
    const page = error instanceof SsoFailedError && error.intent === 'link' ? defaultReturnPaths.link : '/sign-in';
    return reply.redirect(`${page}#${new URLSearchParams({ sso_error: reason })}`, 303);
  };

  typed.get('/api/v1/auth/sso/providers', { schema: { ...common, summary: 'Identity providers to sign in with', response: { 200: ssoProviderListSchema } } }, async () => ({
    object: 'list' as const,
    data: sso.service.listProviders().map((provider) => ({ object: 'sso_provider' as const, id: provider.id, display_name: provider.displayName })),
  }));

  typed.get(
    '/api/v1/auth/sso/:provider/start',
    { schema: { ...common, summary: 'Go to the provider to sign in, or to link it to my account (intent=link)', params: ssoProviderParamsSchema, querystring: ssoStartQuerySchema, response: { '4xx': errorResponseSchema } } },
    async (request, reply) => {
      try {
        const session = request.query.intent === 'link' ? await optionalSession(request) : null;
        const started = await sso.service.start({ providerId: request.params.provider, intent: request.query.intent, returnTo: request.query.return_to ?? null, session, origin: originOf(request) });
        void reply.setCookie(ssoBindingCookieName, started.bindingToken, {
          httpOnly: true,
          secure: isSecureRequest(request, cookieMode),
          // Lax: the provider's redirect back is a top-level GET navigation, which carries Lax cookies.
          sameSite: 'lax',
          path: ssoCookiePath,
          expires: started.expiresAt,
        });
        return reply.redirect(started.authorizationUrl, 303);
      } catch (error) {
        if (error instanceof SsoFailedError) return failureRedirect(request, reply, error);
        throw error;
      }
    },
  );

  typed.get(
    '/api/v1/auth/sso/:provider/callback',
    { schema: { ...common, summary: 'Where the provider sends the browser back', params: ssoProviderParamsSchema, response: { '4xx': errorResponseSchema } } },
    async (request, reply) => {
      void reply.clearCookie(ssoBindingCookieName, { path: ssoCookiePath });
      const deviceToken = request.cookies[deviceCookieName] ?? generateOpaqueToken();
      let outcome: SsoCallbackOutcome;
      try {
        outcome = await sso.service.callback({
          providerId: request.params.provider,
          parameters: new URL(request.url, 'http://callback.invalid').searchParams,
          bindingToken: request.cookies[ssoBindingCookieName] ?? null,
          session: await optionalSession(request),
          origin: originOf(request),
          deviceToken,
        });
      } catch (error) {
        return failureRedirect(request, reply, error);
      }
      switch (outcome.kind) {
        case 'signed_in': {
          setDeviceCookie(request, reply, deviceToken, cookieMode);
          const result = outcome.result;
          if (result.kind === 'second_factor_required') {
            return reply.redirect(`/sign-in/second-factor#${new URLSearchParams({ challenge: result.challengeToken, return_to: outcome.returnTo })}`, 303);
          }
          setSessionCookie(request, reply, result.opened.token, result.opened.session.absoluteExpiresAt, cookieMode);
          return reply.redirect(outcome.returnTo, 303);
        }
        case 'linked':
          return reply.redirect(`${outcome.returnTo}#${new URLSearchParams({ sso_linked: outcome.providerId })}`, 303);
        case 'email_in_use':
          // Linking needs proof of control of the existing account: sign in with it first, then link.
          return reply.redirect(`/sign-in#${new URLSearchParams({ sso_error: 'email_in_use', provider: outcome.providerId })}`, 303);
        case 'registration_required':
          return reply.redirect(`/register/sso#${new URLSearchParams({ token: outcome.token })}`, 303);
      }
    },
  );

  typed.post(
    '/api/v1/auth/sso/register/preview',
    { schema: { ...common, summary: 'What a pending SSO registration knows (provider, email), for the form', body: tokenRequestSchema, response: { 200: ssoPendingRegistrationSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const pending = await sso.registration.pending(request.body.token);
      return { object: 'sso_pending_registration' as const, provider: pending.providerId, email: pending.email, email_verified: pending.isEmailVerified, name: pending.name };
    },
  );

  typed.post(
    '/api/v1/auth/sso/register',
    { schema: { ...common, summary: 'Open an account with a verified provider identity (no password)', body: ssoRegisterRequestSchema, response: { 201: sessionStateSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const body = request.body;
      const origin = originOf(request);
      const user = await sso.registration.register(
        { token: body.token, ...toApplicationFields(body) },
        origin,
      );
      const deviceToken = request.cookies[deviceCookieName] ?? generateOpaqueToken();
      const opened = await accounts.signIn.completeSignIn(user, origin, deviceToken, 'sso', { isNewAccount: true });
      return reply.status(201).send(await startSession(context, request, reply, user, opened, deviceToken));
    },
  );

  typed.get(
    '/api/v1/account/sso-identities',
    { preHandler: context.authenticateSession, schema: { tags: ['Account'], summary: 'Sign-in providers linked to my account', response: { 200: ssoIdentityListSchema, '4xx': errorResponseSchema } } },
    async (request) => ({ object: 'list' as const, data: (await sso.identities.list(request.principal.userId)).map(toIdentityBody) }),
  );

  typed.post(
    '/api/v1/account/sso-identities/:id/unlink',
    {
      preHandler: context.authenticateSession,
      schema: { tags: ['Account'], summary: 'Remove a linked provider (asks for my password, or a recent sign-in; never the last way to sign in)', params: ssoIdentityParamsSchema, body: reauthenticationSchema, response: { 204: noContentSchema, '4xx': errorResponseSchema } },
    },
    async (request, reply) => {
      const user = await accounts.access.assertCanAuthenticate(request.principal.userId);
      await sso.identities.unlink(user, request.params.id, request.session ?? null, { password: request.body.password, code: request.body.code }, actorOf(request));
      return reply.status(204).send(null);
    },
  );
}

function toIdentityBody(identity: SsoIdentity) {
  return {
    object: 'sso_identity' as const,
    id: identity.id,
    provider: identity.providerId,
    email: identity.email,
    created_at: identity.createdAt.toISOString(),
    last_used_at: identity.lastUsedAt?.toISOString() ?? null,
  };
}
