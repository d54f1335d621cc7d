/** What a one-time link or challenge is for. */
export type OneTimeTokenPurpose =
  | 'email_verification'
  | 'password_reset'
  /** "This wasn't me" in a new-sign-in email (ACC-8). */
  | 'compromise_report'
  /** The second step of a sign-in that needs a second factor (ACC-4). */
  | 'second_factor_challenge'
  /** A verified SSO identity waiting for the registration form (ACC-5). */
  | 'sso_registration';

/** A single-use, expiring token; only its hash is stored. */
export interface OneTimeToken {
  id: string;
  userId: string | null;
  purpose: OneTimeTokenPurpose;
  tokenHash: string;
  /** What the token is bound to (the email being verified, the device of a challenge …). */
  subject: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}
