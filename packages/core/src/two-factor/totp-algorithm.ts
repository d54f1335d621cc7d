/** Port: the TOTP algorithm (RFC 6238, 6 digits, 30-second steps, SHA-1 as authenticator apps expect). */
export interface TotpAlgorithm {
  /** A new random secret, base32 (what authenticator apps take). */
  generateSecret(): string;
  /** The `otpauth://totp/…` URI an authenticator app scans. */
  keyUri(options: { issuer: string; accountName: string; secret: string }): string;
  /**
   * The time step `code` belongs to when it is valid for `secret` at `at` (one step of clock drift either
   * way) and later than `afterTimeStep`; null otherwise.
   */
  matchTimeStep(secret: string, code: string, at: Date, afterTimeStep: number | null): Promise<number | null>;
}
