import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new opaque token: 256 random bits, base64url. Used for sessions and one-time links alike. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hex SHA-256 of a token. A fast hash is right: the token has 256 random bits, nothing to brute-force. */
export function hashOpaqueToken(token: string): string {
  return hash('sha256', token, 'hex'); // one-shot: a third of the cost of a createHash object, on every request
}

/**
 * The CSRF token of a session, derived from its secret token (HMAC), so it needs no storage and changes with
 * the session. Pages read it from the session endpoint and send it in `x-csrf-token` with every write; a
 * cross-site form can neither read it nor set that header.
 */
export function deriveCsrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('charter csrf v1').digest('base64url');
}

/** Constant-time check of a presented CSRF token against the session's. */
export function isCsrfTokenValid(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(deriveCsrfToken(sessionToken));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
