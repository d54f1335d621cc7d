import { createHash } from 'node:crypto';

/** Port: identities of terminated accounts, which may never register again (ACC-10). Stores hashes only. */
export interface IdentityBlocklist {
  isBlocked(identityHash: string): Promise<boolean>;
  /** Add an identity; idempotent. */
  block(entry: { identityHash: string; kind: 'email' | 'sso_subject'; reason: string; blockedAt: Date }): Promise<void>;
}

/** The blocklist key of an email (already normalised): a hash, so the list itself holds no addresses. */
export function emailIdentityHash(normalizedEmail: string): string {
  return createHash('sha256').update(`email:${normalizedEmail}`).digest('hex');
}

/** The blocklist key of a verified SSO identity (provider issuer and subject). */
export function ssoIdentityHash(provider: string, subject: string): string {
  return createHash('sha256').update(`sso:${provider}:${subject}`).digest('hex');
}
