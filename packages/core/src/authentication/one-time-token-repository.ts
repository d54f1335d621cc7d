import type { OneTimeToken, OneTimeTokenPurpose } from './one-time-token.js';

/** Port: persistence of one-time tokens. */
export interface OneTimeTokenRepository {
  insert(token: OneTimeToken): Promise<void>;
  /**
   * Mark the token used and return it, atomically: at most one caller ever gets it, and only while it has not
   * expired at `now`. `undefined` for unknown, used or expired tokens (indistinguishable on purpose).
   */
  consume(purpose: OneTimeTokenPurpose, tokenHash: string, now: Date): Promise<OneTimeToken | undefined>;
  /** The token if it is still usable at `now`, without using it. */
  peek(purpose: OneTimeTokenPurpose, tokenHash: string, now: Date): Promise<OneTimeToken | undefined>;
  /** Use up every unused token of a purpose for a user (after a password reset, say). */
  invalidateAll(userId: string, purpose: OneTimeTokenPurpose, at: Date): Promise<void>;
}
