import type { LegalAcceptance } from './legal-acceptance.js';
import type { AccountStatus, User } from './user.js';

/** A change of account state, as kept in the history (ACC-10). */
export interface AccountStatusChange {
  id: string;
  userId: string;
  fromStatus: AccountStatus;
  toStatus: AccountStatus;
  reason: string;
  /** The staff member or system that made the change; null for the system. */
  actorUserId: string | null;
  occurredAt: Date;
}

/** Everything a registration writes, in one transaction (no half-registered accounts). */
export interface NewRegistration {
  user: User;
  passwordHash: string | null;
  acceptances: LegalAcceptance[];
}

/** Port: persistence of users and their credentials. Lookups by email use the lower-cased address. */
export interface UserRepository {
  /** The instance owner, created on first call (idempotent, safe under concurrent starts). */
  ensureInstanceOwner(candidate: User): Promise<User>;
  /** Insert a member (not the owner: see `ensureInstanceOwner`). Throws `conflict` on a duplicate id or email. */
  create(user: User): Promise<void>;
  /** Insert a registered user with password and acceptances atomically; `conflict` when the email is taken. */
  register(registration: NewRegistration): Promise<void>;
  /** Find a user by id, or `undefined`. */
  findById(userId: string): Promise<User | undefined>;
  /** Find a user by lower-cased email, or `undefined`. */
  findByEmail(email: string): Promise<User | undefined>;
  /** The Argon2id hash of the user's password; null when they have none (SSO only, instance owner). */
  findPasswordHash(userId: string): Promise<string | null>;
  setPasswordHash(userId: string, passwordHash: string, changedAt: Date): Promise<void>;
  /** Mark the email verified; false when the user's email is no longer `email` (changed meanwhile). */
  markEmailVerified(userId: string, email: string, verifiedAt: Date): Promise<boolean>;
  setDisplayName(userId: string, displayName: string, changedAt: Date): Promise<void>;
  /** Lock (ACC-8) or unlock (`null`) the account. */
  setLocked(userId: string, lockedAt: Date | null): Promise<void>;
  /** Enter the deletion state (ACC-9); idempotent. */
  markDeletionRequested(userId: string, requestedAt: Date): Promise<void>;
  /**
   * Change the account state and append the change to its history, atomically; false (and no change) when
   * the current state is no longer `change.fromStatus` (a concurrent change won).
   */
  changeStatus(change: AccountStatusChange): Promise<boolean>;
  /** History of state changes, oldest first. */
  listStatusChanges(userId: string): Promise<AccountStatusChange[]>;
  /** Legal acceptances of one user, oldest first (POL-3 evidence). */
  listLegalAcceptances(userId: string): Promise<LegalAcceptance[]>;
  /** Record a further acceptance (a new version accepted later). */
  addLegalAcceptance(acceptance: LegalAcceptance): Promise<void>;
}
