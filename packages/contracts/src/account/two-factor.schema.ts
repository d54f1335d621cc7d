import { z } from 'zod';
import { sessionStateSchema } from './auth.schema.js';

/** Two-factor authentication of the signed-in person (ACC-4). */
export const twoFactorStatusSchema = z.object({
  object: z.literal('two_factor'),
  enabled: z.boolean(),
  enabled_at: z.string().nullable(),
  /** Unused recovery codes left (0 while off). */
  recovery_codes_remaining: z.number().int(),
  /** A setup was started and waits for a code. */
  setup_pending: z.boolean(),
});

/** Starting setup asks for the password again (accounts without one: a sign-in within ten minutes). */
export const twoFactorSetupRequestSchema = z.object({ password: z.string().min(1).max(1024).nullish() });

/** Shown once: scan `qr_code` or type `secret` into an authenticator app, then confirm with a code. */
export const twoFactorSetupSchema = z.object({
  object: z.literal('two_factor_setup'),
  /** `otpauth://totp/…` */
  otpauth_uri: z.string(),
  /** The same URI as an SVG image, as a `data:image/svg+xml;base64,…` URL for an `<img src>`. */
  qr_code: z.string(),
  /** Base32, for typing into the app by hand. */
  secret: z.string(),
  /** Confirm with a code before this time, or start again. */
  expires_at: z.string(),
});

export const twoFactorEnableRequestSchema = z.object({
  code: z.string().regex(/^\s*\d{3}\s?\d{3}\s*$/, 'Enter the 6-digit code your authenticator app shows.'),
});

/** Shown once; each code signs in once when the authenticator is not at hand. Store them somewhere safe. */
export const recoveryCodesSchema = z.object({ object: z.literal('recovery_codes'), codes: z.array(z.string()) });

/** Turning it off needs a fresh code (TOTP or recovery) or the password. */
export const twoFactorDisableRequestSchema = z.object({ password: z.string().min(1).max(1024).nullish(), code: z.string().min(6).max(32).nullish() });

/** The second step of a sign-in that answered `second_factor_required`, from the same browser. */
export const secondFactorSignInRequestSchema = z.object({
  challenge_token: z.string().min(10).max(200),
  /** The 6-digit code of the authenticator app, or a recovery code. */
  code: z.string().min(6).max(32),
});

export const secondFactorSignInResponseSchema = sessionStateSchema.extend({ status: z.literal('signed_in') });

export type TwoFactorStatusBody = z.infer<typeof twoFactorStatusSchema>;
export type TwoFactorSetupBody = z.infer<typeof twoFactorSetupSchema>;
export type RecoveryCodesBody = z.infer<typeof recoveryCodesSchema>;
export type SecondFactorSignInResponseBody = z.infer<typeof secondFactorSignInResponseSchema>;
