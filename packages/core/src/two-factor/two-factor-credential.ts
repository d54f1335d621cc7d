/** A person's TOTP authenticator (ACC-4): the secret is only ever stored sealed by the `ContentCipher`. */
export interface TwoFactorCredential {
  userId: string;
  /** The secret shown at setup, sealed, until a code from it turns two-factor authentication on. */
  pendingSecretSealed: string | null;
  pendingCreatedAt: Date | null;
  /** The confirmed secret, sealed; null while two-factor authentication is off. */
  secretSealed: string | null;
  enabledAt: Date | null;
  /** The last TOTP time step accepted, so no code is accepted twice (replay). */
  lastUsedTimeStep: number | null;
  updatedAt: Date;
}

/** What the account pages show about two-factor authentication. */
export interface TwoFactorStatus {
  isEnabled: boolean;
  enabledAt: Date | null;
  /** Unused recovery codes left. */
  recoveryCodesRemaining: number;
  /** A setup was started and not yet confirmed with a code. */
  isSetupPending: boolean;
}

/** The associated data every sealed TOTP secret is bound to, so it opens only for its own user. */
export function totpSecretContext(userId: string): string {
  return `two_factor_credentials.secret:${userId}`;
}
