import type { QuotaNotice } from './quota.js';

/** Port: where quota threshold notices go (recorded for the notices capability to deliver). */
export interface QuotaNoticeSink {
  /**
   * Record a notice. Idempotent per owner, period and threshold: returns true when it was new, false when
   * that notice had already been recorded (by this node or another).
   */
  record(notice: QuotaNotice): Promise<boolean>;
}
