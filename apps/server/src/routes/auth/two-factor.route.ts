import {
  errorResponseSchema,
  noContentSchema,
  reauthenticationSchema,
  recoveryCodesSchema,
  secondFactorSignInRequestSchema,
  secondFactorSignInResponseSchema,
  twoFactorDisableRequestSchema,
  twoFactorEnableRequestSchema,
  twoFactorSetupRequestSchema,
  twoFactorSetupSchema,
  twoFactorStatusSchema,
} from '@charter/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { deviceCookieName } from '../../plugins/auth.js';
import { startSession } from './session-start.js';
import type { RouteContext } from '../route-context.js';
import { qrCodeDataUrl } from './qr-code.js';
import { actorOf, originOf } from './user-mapping.js';

/**
 * Two-factor authentication (ACC-4): the signed-in person's own authenticator under `/api/v1/account/two-factor`
 * (session cookie and CSRF token only), and the second step of sign-in.
 */
export function twoFactorRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const accounts = context.services.accounts;
  const { service, signIn } = accounts.twoFactor;
  const common = { tags: ['Two-factor authentication'] };
  const preHandler = context.authenticateSession;
  const currentUser = (request: FastifyRequest) => accounts.access.assertCanAuthenticate(request.principal.userId);
  const recoveryCodes = (codes: string[]) => ({ object: 'recovery_codes' as const, codes });

  typed.get(
    '/api/v1/account/two-factor',
    { preHandler, schema: { ...common, summary: 'Whether two-factor authentication is on, and recovery codes left', response: { 200: twoFactorStatusSchema, '4xx': errorResponseSchema } } },
    async (request) => {
      const status = await service.status(request.principal.userId);
      return { object: 'two_factor' as const, enabled: status.isEnabled, enabled_at: status.enabledAt?.toISOString() ?? null, recovery_codes_remaining: status.recoveryCodesRemaining, setup_pending: status.isSetupPending };
    },
  );

  typed.post(
    '/api/v1/account/two-factor/setup',
    { preHandler, schema: { ...common, summary: 'Start setup (asks for the password): a secret and QR code for an authenticator app', body: twoFactorSetupRequestSchema, response: { 200: twoFactorSetupSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const setup = await service.beginSetup(await currentUser(request), request.session ?? null, { password: request.body.password }, actorOf(request));
      void reply.header('cache-control', 'no-store');
      return { object: 'two_factor_setup' as const, otpauth_uri: setup.otpauthUri, qr_code: await qrCodeDataUrl(setup.otpauthUri), secret: setup.secret, expires_at: setup.expiresAt.toISOString() };
    },
  );

  typed.post(
    '/api/v1/account/two-factor/enable',
    { preHandler, schema: { ...common, summary: 'Confirm setup with a current code: turns two-factor authentication on and returns ten recovery codes, once', body: twoFactorEnableRequestSchema, response: { 200: recoveryCodesSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const codes = await service.enable(await currentUser(request), request.body.code, actorOf(request));
      void reply.header('cache-control', 'no-store');
      return recoveryCodes(codes);
    },
  );

  typed.post(
    '/api/v1/account/two-factor/recovery-codes',
    { preHandler, schema: { ...common, summary: 'Replace the recovery codes (asks for the password and a code); the old ones stop working', body: reauthenticationSchema, response: { 200: recoveryCodesSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      const codes = await service.regenerateRecoveryCodes(await currentUser(request), request.session ?? null, { password: request.body.password, code: request.body.code }, actorOf(request));
      void reply.header('cache-control', 'no-store');
      return recoveryCodes(codes);
    },
  );

  typed.post(
    '/api/v1/account/two-factor/disable',
    { preHandler, schema: { ...common, summary: 'Turn two-factor authentication off (asks for a fresh code or the password)', body: twoFactorDisableRequestSchema, response: { 204: noContentSchema, '4xx': errorResponseSchema } } },
    async (request, reply) => {
      await service.disable(await currentUser(request), { password: request.body.password, code: request.body.code }, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/api/v1/auth/sign-in/second-factor',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Finish a sign-in that answered second_factor_required: the challenge token and a code (authenticator or recovery), from the same browser',
        body: secondFactorSignInRequestSchema,
        response: { 200: secondFactorSignInResponseSchema, '4xx': errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { user, opened, deviceToken } = await signIn.complete(
        { challengeToken: request.body.challenge_token, code: request.body.code, deviceToken: request.cookies[deviceCookieName] ?? null },
        originOf(request),
        request.id,
      );
      // The same cookies and answer as a one-step password sign-in.
      return { status: 'signed_in' as const, ...(await startSession(context, request, reply, user, opened, deviceToken)) };
    },
  );
}
