import { z } from 'zod';

/** A configured identity provider, for the buttons on the sign-in page (ACC-5). */
export const ssoProviderSchema = z.object({ object: z.literal('sso_provider'), id: z.string(), display_name: z.string() });
export const ssoProviderListSchema = z.object({ object: z.literal('list'), data: z.array(ssoProviderSchema) });

export const ssoProviderParamsSchema = z.object({ provider: z.string().min(1).max(40) });

/** `GET /api/v1/auth/sso/{provider}/start`: what the round trip is for, and a local path to return to. */
export const ssoStartQuerySchema = z.object({
  intent: z.enum(['sign_in', 'link']).default('sign_in'),
  /** A path on this site (`/chat`); anything else is ignored (no open redirect). */
  return_to: z.string().max(1024).optional(),
});

/** The provider's redirect: passed whole to the protocol library, which checks it. */
export const ssoCallbackQuerySchema = z.record(z.string(), z.string());

/** Finish a registration started by a new identity; the email and the identity come from the token. */
export const ssoRegisterRequestSchema = z.object({
  /** From the fragment of `/register/sso#token=…`; single use, 30 minutes. */
  token: z.string().min(10).max(200),
  display_name: z.string().min(1).max(100),
  date_of_birth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD.'),
  country: z.string().length(2),
  region: z.string().min(4).max(6).nullish(),
  organization_name: z.string().max(200).nullish(),
  accept_terms_version: z.string().min(1).max(50),
  accept_privacy_version: z.string().min(1).max(50),
});

/** What the registration form shows of a pending identity: `POST /api/v1/auth/sso/registration` with the token. */
export const ssoPendingRegistrationSchema = z.object({
  object: z.literal('sso_pending_registration'),
  provider: z.string(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  name: z.string().nullable(),
});

/** A provider identity linked to my account. */
export const ssoIdentitySchema = z.object({
  object: z.literal('sso_identity'),
  id: z.string(),
  provider: z.string(),
  email: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export const ssoIdentityListSchema = z.object({ object: z.literal('list'), data: z.array(ssoIdentitySchema) });
export const ssoIdentityParamsSchema = z.object({ id: z.string().min(1).max(100) });

export type SsoProviderBody = z.infer<typeof ssoProviderSchema>;
export type SsoRegisterRequestBody = z.infer<typeof ssoRegisterRequestSchema>;
export type SsoPendingRegistrationBody = z.infer<typeof ssoPendingRegistrationSchema>;
export type SsoIdentityBody = z.infer<typeof ssoIdentitySchema>;
