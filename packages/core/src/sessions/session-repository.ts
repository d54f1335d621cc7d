import type { Session } from './session.js';

/** Port: persistence of sessions. Reads of a user's sessions take the user. */
export interface SessionRepository {
  insert(session: Session): Promise<void>;
  /** Authentication lookup by token hash (the hash is the capability; no user is known yet). */
  findByTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** Sessions of one user that are neither revoked nor past their absolute expiry at `now`, newest first. */
  listActive(userId: string, now: Date): Promise<Session[]>;
  /** Revoke one session of one user; false when it does not exist for this user or was already revoked. */
  revoke(userId: string, sessionId: string, revokedAt: Date): Promise<boolean>;
  /** Revoke every session of a user except `exceptSessionId`; returns how many were revoked. */
  revokeAll(userId: string, revokedAt: Date, exceptSessionId?: string): Promise<number>;
  /** Record last-seen times in one batch; a later time never goes back to an earlier one. */
  recordLastSeen(entries: ReadonlyArray<{ sessionId: string; lastSeenAt: Date }>): Promise<void>;
  /** Record a fresh proof of identity (re-authentication, second factor). */
  recordAuthenticated(sessionId: string, authenticatedAt: Date): Promise<void>;
}
