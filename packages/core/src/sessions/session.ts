/** A signed-in browser session (ACC-3). The token lives only in the client's cookie; the server keeps its hash. */
export interface Session {
  id: string;
  userId: string;
  /** Hex SHA-256 of the session token. */
  tokenHash: string;
  createdAt: Date;
  /** Last request seen (written in batches, so it may lag by the flush interval). */
  lastSeenAt: Date;
  /** Ends however active the session is (absolute lifetime). */
  absoluteExpiresAt: Date;
  /** When the holder last proved who they are (password, SSO, second factor); drives re-authentication. */
  authenticatedAt: Date;
  revokedAt: Date | null;
  ipAddress: string;
  userAgent: string | null;
  /** How the session was opened. */
  method: 'password' | 'sso' | 'registration' | 'password_reset';
}

/** A newly opened session with its token, handed to the client once (as a cookie). */
export interface OpenedSession {
  session: Session;
  token: string;
}
