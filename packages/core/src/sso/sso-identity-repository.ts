import type { NewRegistration } from '../accounts/user-repository.js';
import type { SsoIdentity } from './sso-identity.js';

/** Port: persistence of linked SSO identities. Reads by owner take the owner; lookups by (issuer, subject) sign in. */
export interface SsoIdentityRepository {
  /** The identity with this issuer and subject, whoever owns it, or `undefined` (sign-in lookup). */
  findByIssuerSubject(issuer: string, subject: string): Promise<SsoIdentity | undefined>;
  /** One user's identities, oldest first. */
  listByUser(userId: string): Promise<SsoIdentity[]>;
  /** Link an identity to an existing user; `conflict` when the identity is linked already. */
  link(identity: SsoIdentity): Promise<void>;
  /**
   * Create a password-less account with its acceptances and its first identity in one transaction;
   * `conflict` (param `email`) when the email or the identity is taken.
   */
  registerWithIdentity(registration: NewRegistration, identity: SsoIdentity): Promise<void>;
  /**
   * Remove one of the user's identities unless it is the user's last way to sign in (no password and no other
   * identity), atomically so two concurrent unlinks cannot remove both. `not_found` for another user's
   * identity or an unknown id; `removed: false` when it was the last way in.
   */
  unlink(userId: string, identityId: string): Promise<{ removed: boolean; identity: SsoIdentity | undefined }>;
  /** Record a sign-in through the identity. */
  touch(identityId: string, usedAt: Date): Promise<void>;
}
