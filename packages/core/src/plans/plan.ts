import { definedFields } from '../shared/defined-fields.js';
import type { BillingOwner } from '../limits/billing-owner.js';
import type { QuotaRule, QuotaSubject } from '../limits/quota.js';
import type { RateLimits } from '../limits/rate-limits.js';

/** The kinds of plan on offer (BIL-1). */
export const planKinds = ['free', 'pay_as_you_go', 'monthly', 'annual', 'enterprise'] as const;
export type PlanKind = (typeof planKinds)[number];

/** Restrictions of use that come with a plan (AUP-9). */
export interface PlanFlags {
  /** The plan may not be used commercially (e.g. the free tier). */
  isNonCommercialOnly: boolean;
}

/**
 * A plan: data the operator edits (CLI, admin API), assigned to users and organisations. Its id is a short
 * readable slug (`free`, `enterprise-acme`) because operators type it; it is configuration, not a secret.
 */
export interface Plan {
  id: string;
  name: string;
  kind: PlanKind;
  /** Rate limits (API-5), per API key and per owner. */
  limits: RateLimits;
  /** Usage quota (API-6); null for none. */
  quota: QuotaRule | null;
  /** Public model names the plan may use; null for all. */
  allowedModels: string[] | null;
  flags: PlanFlags;
  createdAt: Date;
  updatedAt: Date;
}

/** A plan as created or edited (times are set by the service). */
export type PlanDefinition = Omit<Plan, 'createdAt' | 'updatedAt'>;

/** Per-owner changes to an enterprise plan: only what differs. `quota: null` removes the quota. */
export interface PlanOverrides {
  limits?: Partial<RateLimits>;
  quota?: Partial<QuotaRule> | null;
  allowedModels?: string[] | null;
}

/** Which plan an owner is on. One per owner; assigning again replaces it. */
export interface PlanAssignment extends BillingOwner {
  planId: string;
  /** Enterprise terms negotiated for this owner; `{}` for none. */
  overrides: PlanOverrides;
  /** IANA zone in which the owner's quota months and years begin (default `UTC`). */
  billingTimeZone: string;
  assignedAt: Date;
}

/** The terms that apply to an owner now: its plan merged with its overrides, or the default plan. */
export interface EffectivePlan extends QuotaSubject {
  owner: BillingOwner;
  planId: string;
  planName: string;
  kind: PlanKind;
  limits: RateLimits;
  quota: QuotaRule | null;
  allowedModels: string[] | null;
  flags: PlanFlags;
  billingTimeZone: string;
  /** True when the owner has no assignment and the configured default plan applies. */
  isDefault: boolean;
}

/** The default billing time zone of an assignment. */
export const defaultBillingTimeZone = 'UTC';

/** Merge a plan with an owner's overrides (override fields win; `quota: null` removes the quota). */
export function effectivePlanOf(plan: Plan, owner: BillingOwner, assignment: PlanAssignment | undefined): EffectivePlan {
  const overrides = assignment?.overrides ?? {};
  return {
    owner,
    planId: plan.id,
    planName: plan.name,
    kind: plan.kind,
    limits: { ...plan.limits, ...definedFields(overrides.limits ?? {}) },
    quota: mergeQuota(plan.quota, overrides.quota),
    allowedModels: overrides.allowedModels === undefined ? plan.allowedModels : overrides.allowedModels,
    flags: plan.flags,
    billingTimeZone: assignment?.billingTimeZone ?? defaultBillingTimeZone,
    isDefault: assignment === undefined,
  };
}

/** The quota a plan's quota becomes under an override, or undefined when a partial override leaves it incomplete. */
export function mergeQuota(base: QuotaRule | null, override: Partial<QuotaRule> | null | undefined): QuotaRule | null {
  if (override === undefined) return base;
  if (override === null) return null;
  const merged = { ...base, ...definedFields(override) };
  const { period, unit, amount, overage } = merged;
  if (period === undefined || unit === undefined || amount === undefined || overage === undefined) {
    throw new RangeError('A quota override on a plan without a quota must give period, unit, amount and overage.');
  }
  return { period, unit, amount, overage };
}
