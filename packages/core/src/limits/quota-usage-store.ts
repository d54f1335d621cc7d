import type { BillingOwner } from './billing-owner.js';

/** Port: token counters per owner and quota period. */
export interface QuotaUsageStore {
  /**
   * Add `tokens` to the owner's counter for the period starting at `periodStartsAt`, atomically (concurrent
   * adds from several nodes all count), and return the new total.
   */
  add(entry: { owner: BillingOwner; periodStartsAt: Date; tokens: number; updatedAt: Date }): Promise<number>;
  /** The owner's total for the period; 0 when nothing was counted. */
  get(owner: BillingOwner, periodStartsAt: Date): Promise<number>;
}
