import type { Principal } from '../accounts/principal.js';
import { CharterError, ModelNotFoundError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { type BillingOwner, billingOwnerKey, billingOwnerOf } from '../limits/billing-owner.js';
import type { Clock } from '../shared/clock.js';
import { defaultPlanDefinitions } from './default-plans.js';
import { defaultBillingTimeZone, effectivePlanOf, type EffectivePlan, type Plan, type PlanAssignment, type PlanDefinition, type PlanOverrides } from './plan.js';
import { PlanInUseError } from './plan-errors.js';
import type { PlanRepository } from './plan-repository.js';
import { validateBillingTimeZone, validateOverrides, validatePlanDefinition } from './plan-validation.js';

/** A change to plans or assignments, for the audit log (ADM-4) and caches on other nodes. */
export type PlanChange =
  | { action: 'plan.created' | 'plan.updated' | 'plan.deleted'; planId: string; occurredAt: Date }
  | { action: 'plan.assigned' | 'plan.unassigned'; planId: string | null; owner: BillingOwner; occurredAt: Date };

export interface PlanServiceOptions {
  repository: PlanRepository;
  clock: Clock;
  /** The plan of owners without an assignment (default `free`). */
  defaultPlanId?: string;
  /**
   * How long an owner's effective plan is trusted on this node (default 1 s). Changes made on this node
   * apply at once; those made on another node within this time.
   */
  cacheTtlMs?: number;
  /** Called after every change (wire it to the audit log). */
  onChange?: (change: PlanChange) => void | Promise<void>;
}

interface CachedPlan {
  plan: Promise<EffectivePlan>;
  cachedAtMs: number;
}

const maxCachedOwners = 50_000;

/** Use cases of plans (BIL-1, AUP-9): edit plans, assign them, and resolve the terms that apply to an owner. */
export class PlanService {
  readonly #repository: PlanRepository;
  readonly #clock: Clock;
  readonly #defaultPlanId: string;
  readonly #cacheTtlMs: number;
  readonly #onChange: (change: PlanChange) => void | Promise<void>;
  readonly #cache = new Map<string, CachedPlan>();

  constructor(options: PlanServiceOptions) {
    this.#repository = options.repository;
    this.#clock = options.clock;
    this.#defaultPlanId = options.defaultPlanId ?? 'free';
    this.#cacheTtlMs = options.cacheTtlMs ?? 1000;
    this.#onChange = options.onChange ?? (() => {});
  }

  /** The id of the plan owners without an assignment are on. */
  get defaultPlanId(): string {
    return this.#defaultPlanId;
  }

  /** Create the default plans that do not exist yet (idempotent, safe on concurrent starts); returns the ids created. */
  async ensureDefaultPlans(): Promise<string[]> {
    const now = this.#clock();
    const created = await this.#repository.insertMissing(defaultPlanDefinitions.map((definition) => ({ ...definition, createdAt: now, updatedAt: now })));
    for (const planId of created) await this.#onChange({ action: 'plan.created', planId, occurredAt: now });
    return created;
  }

  async create(definition: PlanDefinition): Promise<Plan> {
    validatePlanDefinition(definition);
    const now = this.#clock();
    const plan: Plan = { ...copyDefinition(definition), createdAt: now, updatedAt: now };
    await this.#repository.insert(plan);
    await this.#onChange({ action: 'plan.created', planId: plan.id, occurredAt: now });
    return plan;
  }

  /** Change a plan's fields; every owner on it gets the new terms (within `cacheTtlMs` on other nodes). */
  async update(planId: string, changes: Partial<Omit<PlanDefinition, 'id'>>): Promise<Plan> {
    const existing = await this.get(planId);
    const definition: PlanDefinition = copyDefinition({ ...existing, ...changes, id: planId });
    validatePlanDefinition(definition);
    if (definition.kind !== 'enterprise' && existing.kind === 'enterprise') {
      // Overrides are only meaningful on enterprise plans; refuse to strand them.
      const assigned = await this.#repository.listAssignments({ planId });
      const withOverrides = assigned.find((assignment) => Object.keys(assignment.overrides).length > 0);
      if (withOverrides) {
        throw new CharterError('conflict', `Owners of plan \`${planId}\` have enterprise overrides; remove them before changing its kind.`, { param: 'kind' });
      }
    }
    const now = this.#clock();
    const plan: Plan = { ...definition, createdAt: existing.createdAt, updatedAt: now };
    if (!(await this.#repository.update(plan))) throw new NotFoundError('Plan', 'plan_id');
    this.#cache.clear();
    await this.#onChange({ action: 'plan.updated', planId, occurredAt: now });
    return plan;
  }

  async delete(planId: string): Promise<void> {
    if (planId === this.#defaultPlanId) throw new PlanInUseError(planId, 'default');
    if (!(await this.#repository.delete(planId))) throw new NotFoundError('Plan', 'plan_id');
    this.#cache.clear();
    await this.#onChange({ action: 'plan.deleted', planId, occurredAt: this.#clock() });
  }

  async get(planId: string): Promise<Plan> {
    const plan = await this.#repository.findById(planId);
    if (!plan) throw new NotFoundError('Plan', 'plan_id');
    return plan;
  }

  list(): Promise<Plan[]> {
    return this.#repository.list();
  }

  /** Put an owner on a plan (replacing its current one), with enterprise overrides and a billing time zone. */
  async assign(input: { owner: BillingOwner; planId: string; overrides?: PlanOverrides; billingTimeZone?: string }): Promise<PlanAssignment> {
    const plan = await this.get(input.planId);
    const overrides = input.overrides ?? {};
    validateOverrides(overrides, plan);
    const billingTimeZone = input.billingTimeZone ?? defaultBillingTimeZone;
    validateBillingTimeZone(billingTimeZone);
    const now = this.#clock();
    const assignment: PlanAssignment = { ...input.owner, planId: plan.id, overrides: structuredClone(overrides), billingTimeZone, assignedAt: now };
    await this.#repository.assign(assignment);
    this.#cache.delete(billingOwnerKey(input.owner));
    await this.#onChange({ action: 'plan.assigned', planId: plan.id, owner: input.owner, occurredAt: now });
    return assignment;
  }

  /** Take an owner off its plan; it falls back to the default plan. */
  async unassign(owner: BillingOwner): Promise<boolean> {
    const isRemoved = await this.#repository.unassign(owner);
    this.#cache.delete(billingOwnerKey(owner));
    if (isRemoved) await this.#onChange({ action: 'plan.unassigned', planId: null, owner, occurredAt: this.#clock() });
    return isRemoved;
  }

  /** The terms that apply to an owner now. Hot path: usually answered from the node's cache. */
  effectivePlan(owner: BillingOwner): Promise<EffectivePlan> {
    const key = billingOwnerKey(owner);
    const nowMs = this.#clock().getTime();
    const cached = this.#cache.get(key);
    if (cached && nowMs - cached.cachedAtMs <= this.#cacheTtlMs) return cached.plan;
    if (this.#cache.size >= maxCachedOwners) this.#cache.clear();
    const plan = this.#resolve(owner);
    this.#cache.set(key, { plan, cachedAtMs: nowMs });
    // A failed lookup must not be served from the cache.
    plan.catch(() => {
      if (this.#cache.get(key)?.plan === plan) this.#cache.delete(key);
    });
    return plan;
  }

  /** The terms for a request: its organisation's when it acts for one, else its user's. */
  effectivePlanFor(principal: Principal): Promise<EffectivePlan> {
    return this.effectivePlan(billingOwnerOf(principal));
  }

  /**
   * Plan restrictions on a request (AUP-9): the model must be one the plan includes (else `model_not_found`,
   * as for a key scope), and a non-commercial plan may not serve commercial use (`permission_denied`).
   */
  authorizeUse(plan: EffectivePlan, use: { model: string; isCommercialUse?: boolean }): void {
    if (plan.allowedModels !== null && !plan.allowedModels.includes(use.model)) throw new ModelNotFoundError(use.model);
    if (use.isCommercialUse === true && plan.flags.isNonCommercialOnly) {
      throw new PermissionDeniedError(`The ${plan.planName} plan is for non-commercial use only; choose a paid plan for commercial use.`);
    }
  }

  async #resolve(owner: BillingOwner): Promise<EffectivePlan> {
    const found = await this.#repository.findAssignment(owner);
    if (found) return effectivePlanOf(found.plan, owner, found.assignment);
    const fallback = await this.#repository.findById(this.#defaultPlanId);
    if (!fallback) throw new Error(`The default plan \`${this.#defaultPlanId}\` does not exist; run ensureDefaultPlans() or configure another.`);
    return effectivePlanOf(fallback, owner, undefined);
  }
}

// Callers keep their objects; stored plans never share arrays with them.
function copyDefinition(definition: PlanDefinition): PlanDefinition {
  return {
    id: definition.id,
    name: definition.name,
    kind: definition.kind,
    limits: { ...definition.limits },
    quota: definition.quota === null ? null : { ...definition.quota },
    allowedModels: definition.allowedModels === null ? null : [...definition.allowedModels],
    flags: { ...definition.flags },
  };
}
