import type { UsageQuery, UsageRecord } from './usage-record.js';

/** Port: persistence of usage records. */
export interface UsageRepository {
  /**
   * Insert records in one transaction. Idempotent: a record whose request id is already stored is
   * skipped, so a retried flush never double-counts.
   */
  insertMany(records: readonly UsageRecord[]): Promise<void>;
  /** Records of one user in a time range, newest first. */
  listByUser(query: UsageQuery): Promise<UsageRecord[]>;
}
