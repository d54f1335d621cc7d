import { z } from 'zod';

/** The signed-in person, as the account API and the web app see them. */
export const userSchema = z.object({
  object: z.literal('user'),
  id: z.string(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  display_name: z.string(),
  status: z.enum(['active', 'restricted', 'suspended', 'terminated']),
  country: z.string().nullable(),
  region: z.string().nullable(),
  staff_role: z.enum(['support', 'moderator', 'billing', 'data_protection_officer', 'superadmin']).nullable(),
  /** Whether sign-in asks for a second factor (ACC-4). */
  two_factor_enabled: z.boolean(),
  /** Whether the account has a password; one made through single sign-on has none until it sets one by email link. */
  has_password: z.boolean(),
  created_at: z.string(),
});
export type UserBody = z.infer<typeof userSchema>;

const password = z.string().min(1).max(1024);

export const registerRequestSchema = z.object({
  email: z.string().min(3).max(254),
  password,
  display_name: z.string().min(1).max(100),
  /** `YYYY-MM-DD`; checked against the age of majority of `country`/`region` and not stored. */
  date_of_birth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD.'),
  /** ISO 3166-1 alpha-2. */
  country: z.string().length(2),
  /** ISO 3166-2 subdivision, e.g. `US-CA`, where it matters. */
  region: z.string().min(4).max(6).nullish(),
  /** An organisation to screen with the name (ACC-2), optional. */
  organization_name: z.string().max(200).nullish(),
  /** The versions of the documents shown and accepted; must be those in force (`GET /api/v1/legal/current`). */
  accept_terms_version: z.string().min(1).max(50),
  accept_privacy_version: z.string().min(1).max(50),
});
export type RegisterRequestBody = z.infer<typeof registerRequestSchema>;

export const signInRequestSchema = z.object({ email: z.string().min(3).max(254), password });

/** A signed-in session as the page needs it: who, and the CSRF token to send with every write. */
export const sessionStateSchema = z.object({
  object: z.literal('session_state'),
  user: userSchema,
  session_id: z.string(),
  /** Send as `x-csrf-token` with every POST, PATCH, PUT and DELETE made with the session cookie. */
  csrf_token: z.string(),
});
export type SessionStateBody = z.infer<typeof sessionStateSchema>;

export const signInResponseSchema = z.discriminatedUnion('status', [
  sessionStateSchema.extend({ status: z.literal('signed_in') }),
  z.object({
    status: z.literal('second_factor_required'),
    /** Send with the code to `POST /api/v1/auth/sign-in/second-factor` within five minutes. */
    challenge_token: z.string(),
  }),
]);
export type SignInResponseBody = z.infer<typeof signInResponseSchema>;

export const tokenRequestSchema = z.object({ token: z.string().min(10).max(200) });
export const passwordResetRequestSchema = z.object({ email: z.string().min(3).max(254) });
export const passwordResetConfirmSchema = z.object({ token: z.string().min(10).max(200), password });
export const changePasswordRequestSchema = z.object({ current_password: password, new_password: password });
export const updateProfileRequestSchema = z.object({ display_name: z.string().min(1).max(100) });
/** Proof for a sensitive action: the password, and a code when two-factor authentication is on. */
export const reauthenticationSchema = z.object({ password: password.nullish(), code: z.string().min(6).max(32).nullish() });

export const sessionSchema = z.object({
  object: z.literal('session'),
  id: z.string(),
  is_current: z.boolean(),
  method: z.string(),
  ip_address: z.string(),
  user_agent: z.string().nullable(),
  created_at: z.string(),
  last_seen_at: z.string(),
  expires_at: z.string(),
});
export const sessionListSchema = z.object({ object: z.literal('list'), data: z.array(sessionSchema) });
export const sessionParamsSchema = z.object({ session_id: z.string().min(1).max(100) });

export const legalVersionsSchema = z.object({ object: z.literal('legal_versions'), terms: z.string(), privacy: z.string() });
export const acceptedResponseSchema = z.object({ object: z.literal('accepted'), message: z.string() });
export const revokedCountSchema = z.object({ object: z.literal('revoked'), count: z.number().int() });

/** The empty body of a 204 answer. */
export const noContentSchema = z.null().describe('No content');
