import type { TwoFactorCredential } from './two-factor-credential.js';

/** Port: persistence of TOTP authenticators and recovery codes, always scoped to one user. */
export interface TwoFactorRepository {
  find(userId: string): Promise<TwoFactorCredential | undefined>;
  /** Whether the user has two-factor authentication on (read at every sign-in). */
  isEnabled(userId: string): Promise<boolean>;
  /** Store (or replace) the pending secret of a setup; false, and nothing changed, when already enabled. */
  savePending(userId: string, pendingSecretSealed: string, at: Date): Promise<boolean>;
  /**
   * Turn the pending secret into the active one and store the recovery code hashes, atomically; false when
   * the pending secret is no longer `pendingSecretSealed` (a concurrent setup or enable won).
   */
  enable(userId: string, change: { pendingSecretSealed: string; acceptedTimeStep: number; recoveryCodeHashes: readonly string[]; at: Date }): Promise<boolean>;
  /** Remove the authenticator and every recovery code; false when there was nothing enabled. */
  disable(userId: string): Promise<boolean>;
  /** Record a TOTP time step as used; false when it (or a later one) was used already: a replay. */
  useTimeStep(userId: string, timeStep: number): Promise<boolean>;
  /** Replace every recovery code with new ones. */
  replaceRecoveryCodes(userId: string, recoveryCodeHashes: readonly string[], at: Date): Promise<void>;
  /** Use an unused recovery code once; false when unknown or used. */
  useRecoveryCode(userId: string, recoveryCodeHash: string, at: Date): Promise<boolean>;
  countUnusedRecoveryCodes(userId: string): Promise<number>;
}
