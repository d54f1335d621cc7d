import { definedFields } from '../shared/defined-fields.js';
import type { Principal } from '../accounts/principal.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { CharterError, ModelNotFoundError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { type BillingOwner, billingOwnerKey, billingOwnerOf } from '../limits/billing-owner.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { Clock } from '../shared/clock.js';
import { defaultPlanDefinitions } from './default-plans.js';
import { defaultBillingTimeZone, effectivePlanOf, type EffectivePlan, type Plan, type PlanAssignment, type PlanDefinition, type PlanFlags, type PlanOverrides } from './plan.js';
import { PlanInUseError } from './plan-errors.js';
import type { PlanRepository } from './plan-repository.js';
import { validateBillingTimeZone, validateOverrides, validatePlanDefinition } from './plan-validation.js';

/** A change to plans or assignments, for the audit log (ADM-4) and caches on other nodes. */
export type PlanChange =
  | { action: 'plan.created' | 'plan.updated' | 'plan.deleted'; planId: string; occurredAt: Date }
  | { action: 'plan.assigned' | 'plan.unassigned'; planId: string | null; owner: BillingOwner; occurredAt: Date };

/**
 * Changes to a plan (PATCH semantics): fields left out keep their value; `limits` and `flags` are merged
 * field by field; `quota` and `allowedModels` are replaced as a whole (null removes them).
 */
export interface PlanChanges {
  name?: string;
  kind?: PlanDefinition['kind'];
  limits?: Partial<RateLimits>;
  quota?: PlanDefinition['quota'];
  allowedModels?: string[] | null;
  flags?: Partial<PlanFlags>;
}

/** The actor of changes made by the system itself (default plans at start, or callers that name nobody). */
export const systemPlanActor: AuditActor = { userId: null, apiKeyId: null, requestId: null, via: 'system' };

export interface PlanServiceOptions {
  repository: PlanRepository;
  /** Every change to plans and assignments is appended here (ADM-4). */
  audit: AuditLog;
  clock: Clock;
  /** The plan of owners without an assignment (default `free`). */
  defaultPlanId?: string;
  /**
   * How long an owner's effective plan is trusted on this node (default 1 s). Changes made on this node
   * apply at once; those made on another node within this time.
   */
  cacheTtlMs?: number;
  /** Called after every change, after it was audited (caches on other nodes, metrics). */
  onChange?: (change: PlanChange) => void | Promise<void>;
}

interface CachedPlan {
  plan: Promise<EffectivePlan>;
  cachedAtMs: number;
}

const maxCachedOwners = 50_000;

/** Updates of one plan that collide are merged again this many times before the caller is asked to retry. */
const maxUpdateAttempts = 5;

/** Use cases of plans (BIL-1, AUP-9): edit plans, assign them, and resolve the terms that apply to an owner. */
export class PlanService {
  readonly #repository: PlanRepository;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #defaultPlanId: string;
  readonly #cacheTtlMs: number;
  readonly #onChange: (change: PlanChange) => void | Promise<void>;
  readonly #cache = new Map<string, CachedPlan>();

  constructor(options: PlanServiceOptions) {
    this.#repository = options.repository;
    this.#audit = options.audit;
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
    const definitions = new Map(defaultPlanDefinitions.map((definition) => [definition.id, definition]));
    const created = await this.#repository.insertMissing([...definitions.values()].map((definition) => ({ ...definition, createdAt: now, updatedAt: now })));
    // insertMissing reports only the rows this call inserted, so concurrent starts audit each plan once.
    for (const planId of created) {
      const definition = definitions.get(planId);
      await this.#audit.append({ action: 'plan.created', actor: systemPlanActor, targetType: 'plan', targetId: planId, details: { name: definition?.name ?? null, kind: definition?.kind ?? null }, occurredAt: now });
      await this.#onChange({ action: 'plan.created', planId, occurredAt: now });
    }
    return created;
  }

  async create(definition: PlanDefinition, actor: AuditActor = systemPlanActor): Promise<Plan> {
    validatePlanDefinition(definition);
    const now = this.#clock();
    const plan: Plan = { ...copyDefinition(definition), createdAt: now, updatedAt: now };
    await this.#repository.insert(plan);
    await this.#audit.append({ action: 'plan.created', actor, targetType: 'plan', targetId: plan.id, details: { name: plan.name, kind: plan.kind }, occurredAt: now });
    await this.#onChange({ action: 'plan.created', planId: plan.id, occurredAt: now });
    return plan;
  }

  /**
   * Change a plan's fields; every owner on it gets the new terms (within `cacheTtlMs` on other nodes). The change
   * is merged into the plan as stored; when another update lands in between, it is merged again into that one.
   */
  async update(planId: string, changes: PlanChanges, actor: AuditActor = systemPlanActor): Promise<Plan> {
    for (let attempt = 1; ; attempt += 1) {
      const existing = await this.get(planId);
      const plan = await this.#changedPlan(existing, changes);
      if (await this.#repository.update(plan, existing.updatedAt)) {
        this.#cache.clear();
        const changedFields = Object.entries(changes)
          .filter(([, value]) => value !== undefined)
          .map(([field]) => field)
          .sort()
          .join(',');
        await this.#audit.append({ action: 'plan.updated', actor, targetType: 'plan', targetId: planId, details: { changedFields }, occurredAt: plan.updatedAt });
        await this.#onChange({ action: 'plan.updated', planId, occurredAt: plan.updatedAt });
        return plan;
      }
      if (attempt === maxUpdateAttempts) {
        throw new CharterError('conflict', `Plan \`${planId}\` is being changed by others at the same time; try again.`, { param: 'plan_id' });
      }
    }
  }

  async #changedPlan(existing: Plan, changes: PlanChanges): Promise<Plan> {
    const definition: PlanDefinition = copyDefinition({
      id: existing.id,
      name: changes.name ?? existing.name,
      kind: changes.kind ?? existing.kind,
      limits: { ...existing.limits, ...definedFields(changes.limits ?? {}) },
      quota: changes.quota === undefined ? existing.quota : changes.quota,
      allowedModels: changes.allowedModels === undefined ? existing.allowedModels : changes.allowedModels,
      flags: { ...existing.flags, ...definedFields(changes.flags ?? {}) },
    });
    validatePlanDefinition(definition);
    if (definition.kind !== 'enterprise' && existing.kind === 'enterprise') {
      // Overrides are only meaningful on enterprise plans; refuse to strand them.
      const assigned = await this.#repository.listAssignments({ planId: existing.id });
      const withOverrides = assigned.find((assignment) => Object.keys(assignment.overrides).length > 0);
      if (withOverrides) {
        throw new CharterError('conflict', `Owners of plan \`${existing.id}\` have enterprise overrides; remove them before changing its kind.`, { param: 'kind' });
      }
    }
    // Strictly later than the version it replaces, so that version check tells two updates in one millisecond apart.
    const updatedAt = new Date(Math.max(this.#clock().getTime(), existing.updatedAt.getTime() + 1));
    return { ...definition, createdAt: existing.createdAt, updatedAt };
  }

  async delete(planId: string, actor: AuditActor = systemPlanActor): Promise<void> {
    if (planId === this.#defaultPlanId) throw new PlanInUseError(planId, 'default');
    if (!(await this.#repository.delete(planId))) throw new NotFoundError('Plan', 'plan_id');
    this.#cache.clear();
    const now = this.#clock();
    await this.#audit.append({ action: 'plan.deleted', actor, targetType: 'plan', targetId: planId, details: {}, occurredAt: now });
    await this.#onChange({ action: 'plan.deleted', planId, occurredAt: now });
  }

  async get(planId: string): Promise<Plan> {
    const plan = await this.#repository.findById(planId);
    if (!plan) throw new NotFoundError('Plan', 'plan_id');
    return plan;
  }

  list(): Promise<Plan[]> {
    return this.#repository.list();
  }

  /** The owners on a plan, ordered by owner; not_found for an unknown plan. */
  async listAssignments(planId: string, limit?: number): Promise<PlanAssignment[]> {
    await this.get(planId);
    return this.#repository.listAssignments({ planId, limit });
  }

  /** Put an owner on a plan (replacing its current one), with enterprise overrides and a billing time zone. */
  async assign(
    input: { owner: BillingOwner; planId: string; overrides?: PlanOverrides; billingTimeZone?: string },
    actor: AuditActor = systemPlanActor,
  ): Promise<PlanAssignment> {
    const plan = await this.get(input.planId);
    const overrides = input.overrides ?? {};
    validateOverrides(overrides, plan);
    const billingTimeZone = input.billingTimeZone ?? defaultBillingTimeZone;
    validateBillingTimeZone(billingTimeZone);
    const now = this.#clock();
    const assignment: PlanAssignment = { ...input.owner, planId: plan.id, overrides: structuredClone(overrides), billingTimeZone, assignedAt: now };
    await this.#repository.assign(assignment);
    this.#cache.delete(billingOwnerKey(input.owner));
    await this.#audit.append({
      action: 'plan.assigned',
      actor,
      targetType: 'plan',
      targetId: plan.id,
      details: { ownerType: input.owner.ownerType, ownerId: input.owner.ownerId, billingTimeZone, hasOverrides: Object.keys(assignment.overrides).length > 0 },
      occurredAt: now,
    });
    await this.#onChange({ action: 'plan.assigned', planId: plan.id, owner: input.owner, occurredAt: now });
    return assignment;
  }

  /**
   * Take an owner off its plan; it falls back to the default plan. With `planId`, only when the owner is on
   * that plan. Returns false when there was nothing to remove.
   */
  async unassign(owner: BillingOwner, actor: AuditActor = systemPlanActor, options: { planId?: string } = {}): Promise<boolean> {
    const found = await this.#repository.findAssignment(owner);
    if (!found || (options.planId !== undefined && found.assignment.planId !== options.planId)) return false;
    const planId = found.assignment.planId;
    // Conditional on the plan read above, so the audit event names the plan that was actually left.
    const isRemoved = await this.#repository.unassign(owner, { planId });
    this.#cache.delete(billingOwnerKey(owner));
    if (!isRemoved) return false;
    const now = this.#clock();
    await this.#audit.append({ action: 'plan.unassigned', actor, targetType: 'plan', targetId: planId, details: { ownerType: owner.ownerType, ownerId: owner.ownerId }, occurredAt: now });
    await this.#onChange({ action: 'plan.unassigned', planId, owner, occurredAt: now });
    return true;
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
