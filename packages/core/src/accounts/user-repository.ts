import type { User } from './user.js';

/** Port: persistence of users. */
export interface UserRepository {
  /** The instance owner, created on first call (idempotent, safe under concurrent starts). */
  ensureInstanceOwner(candidate: User): Promise<User>;
  /** Insert a member (not the owner: see `ensureInstanceOwner`). Throws `conflict` on a duplicate id or email. */
  create(user: User): Promise<void>;
  /** Find a user by id, or `undefined`. */
  findById(userId: string): Promise<User | undefined>;
}
