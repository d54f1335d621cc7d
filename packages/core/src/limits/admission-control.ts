import type { Principal } from '../accounts/principal.js';
import type { PlanService } from '../plans/plan-service.js';
import type { EffectivePlan } from '../plans/plan.js';
import type { QuotaService } from './quota-service.js';
import type { QuotaStatus } from './quota.js';
import type { RateLimiter } from './rate-limiter.js';
import { rateLimitHeaders, type RateLimitHeaderValues } from './rate-limit-headers.js';
import { rateLimitSubjectsFor } from './rate-limit-subject.js';
import type { Reservation } from './reservation.js';

/** A request let in: what it reserved and the header values to send with its response. */
export interface Admission {
  plan: EffectivePlan;
  reservation: Reservation;
  headers: RateLimitHeaderValues;
  /** True when the owner is past its quota and the plan bills the excess. */
  isOverage: boolean;
}

/**
 * The plan's terms on one request (BIL-1, API-5, API-6, AUP-9): the model must be in the plan, the quota
 * must not be used up (unless the plan bills overage), and every rate-limit window of the key and the owner
 * must have room for one more request and its tokens (prompt + maximum output), taken atomically.
 */
export class AdmissionControl {
  readonly #plans: PlanService;
  readonly #quotas: QuotaService;
  readonly #rateLimiter: RateLimiter;

  constructor(options: { plans: PlanService; quotas: QuotaService; rateLimiter: RateLimiter }) {
    this.#plans = options.plans;
    this.#quotas = options.quotas;
    this.#rateLimiter = options.rateLimiter;
  }

  /** The plan check alone, before any token counting (cheap, cached). */
  async planFor(principal: Principal, model: string): Promise<EffectivePlan> {
    const plan = await this.#plans.effectivePlanFor(principal);
    this.#plans.authorizeUse(plan, { model });
    return plan;
  }

  /** Quota check and rate-limit reservation; throws `insufficient_quota` or `rate_limit_exceeded` (429). */
  async admit(principal: Principal, plan: EffectivePlan, tokenCost: number): Promise<Admission> {
    return this.reserve(principal, plan, tokenCost, await this.checkQuota(plan));
  }

  /** The quota half of `admit` (cached reads): throws `insufficient_quota` past a blocking quota. */
  checkQuota(plan: EffectivePlan): Promise<QuotaStatus> {
    return this.#quotas.check(plan);
  }

  /** The rate-limit half of `admit`, after `checkQuota`: throws `rate_limit_exceeded` (429). */
  async reserve(principal: Principal, plan: EffectivePlan, tokenCost: number, quota: QuotaStatus): Promise<Admission> {
    const reservation = await this.#rateLimiter.admit({ subjects: rateLimitSubjectsFor(principal, plan.owner, plan.limits), tokenCost });
    return { plan, reservation, headers: rateLimitHeaders(reservation), isOverage: quota.isOverage };
  }

  /**
   * Whether `reserve` is all but certain to admit this request, from what this node last heard (no I/O; see
   * `RateLimiter.claimHeadroom`), so the engine may be started while the reservation is in flight.
   */
  claimHeadroom(principal: Principal, plan: EffectivePlan, tokenCost: number): boolean {
    return this.#rateLimiter.claimHeadroom({ subjects: rateLimitSubjectsFor(principal, plan.owner, plan.limits), tokenCost });
  }

  /** The request ended having used `tokens`: unused tokens go back to the windows and the quota counts them. */
  settle(admission: Admission, tokens: number): void {
    void this.#rateLimiter.settle(admission.reservation, tokens);
    this.#quotas.record(admission.plan, tokens);
  }

  /** The request failed before using anything: everything reserved comes back. */
  release(admission: Admission): void {
    void this.#rateLimiter.release(admission.reservation);
  }
}
