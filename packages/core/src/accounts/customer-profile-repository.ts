import type { CustomerProfile } from './customer-profile.js';

/** Port: persistence of customer profiles (ACC-6), one per user, written with optimistic concurrency. */
export interface CustomerProfileRepository {
  /** The user's profile, or `undefined` when they never saved one. */
  find(userId: string): Promise<CustomerProfile | undefined>;
  /**
   * Insert (`expectedRevision` 0) or replace the profile whose stored revision is `expectedRevision`; false (and
   * nothing written) when another change came first. `profile.revision` is the new revision.
   */
  save(profile: CustomerProfile, expectedRevision: number): Promise<boolean>;
}
