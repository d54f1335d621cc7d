import type { BillingOwner } from './billing-owner.js';

/** Calendar periods a quota counts over, in the owner's billing time zone. */
export const quotaPeriods = ['month', 'year'] as const;
export type QuotaPeriod = (typeof quotaPeriods)[number];

/** What a quota counts. `spend_minor` (money in minor units) needs the price book and is refused until it exists. */
export const quotaUnits = ['tokens', 'spend_minor'] as const;
export type QuotaUnit = (typeof quotaUnits)[number];

/** Past the quota: `block` refuses (429 `insufficient_quota`); `bill` serves and bills the excess as overage. */
export const overagePolicies = ['block', 'bill'] as const;
export type OveragePolicy = (typeof overagePolicies)[number];

/** A plan's usage quota (API-6). */
export interface QuotaRule {
  period: QuotaPeriod;
  unit: QuotaUnit;
  /** Positive integer: tokens, or minor currency units for `spend_minor`. */
  amount: number;
  overage: OveragePolicy;
}

/** Who a quota is counted for and under which rule. `EffectivePlan` satisfies it. */
export interface QuotaSubject {
  owner: BillingOwner;
  planId: string;
  /** Null: no quota. */
  quota: QuotaRule | null;
  /** IANA time zone in which the owner's months and years begin. */
  billingTimeZone: string;
}

/** One calendar period: `startsAt <= t < endsAt`. */
export interface QuotaPeriodRange {
  startsAt: Date;
  endsAt: Date;
}

/** Where an owner stands against its quota. */
export interface QuotaStatus {
  /** False when the plan has no quota (every other field is then null or false). */
  isLimited: boolean;
  period: QuotaPeriodRange | null;
  usedTokens: number | null;
  limitTokens: number | null;
  /** Tokens left before the quota is reached (0 once past it). */
  remainingTokens: number | null;
  /** Past the quota under `bill`: served, and the usage beyond the amount is billed as overage. */
  isOverage: boolean;
}

/** Thresholds at which a notice goes out, in percent of the quota. */
export const quotaNoticeThresholds = [80, 100] as const;
export type QuotaNoticeThreshold = (typeof quotaNoticeThresholds)[number];

/** "You have used 80% (100%) of your quota this period" — recorded once per owner, period and threshold. */
export interface QuotaNotice {
  owner: BillingOwner;
  periodStartsAt: Date;
  thresholdPercent: QuotaNoticeThreshold;
  createdAt: Date;
}
