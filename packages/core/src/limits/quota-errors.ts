import { CharterError } from '../errors.js';
import type { QuotaPeriodRange } from './quota.js';

/** The owner's quota for this period is used up and the plan blocks overage (API-6); 429 `insufficient_quota`. */
export class QuotaExceededError extends CharterError {
  readonly planId: string;
  /** When the next period (and a fresh quota) begins. */
  readonly period: QuotaPeriodRange | null;

  constructor(details: { planId: string; period?: QuotaPeriodRange | null }) {
    super('insufficient_quota', 'You exceeded your current quota, please check your plan and billing details.');
    this.planId = details.planId;
    this.period = details.period ?? null;
  }
}
