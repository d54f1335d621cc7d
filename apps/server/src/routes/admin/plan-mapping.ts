import type { AssignPlanRequestBody, CreatePlanRequestBody, PlanAssignmentBody, PlanBody, UpdatePlanRequestBody } from '@charter/contracts';
import type { Plan, PlanAssignment, PlanChanges, PlanDefinition, PlanOverrides, QuotaRule, RateLimits } from '@charter/core';

type LimitsBody = PlanBody['limits'];
type OverridesBody = PlanAssignmentBody['overrides'];

/** Domain plan → wire shape. */
export function toPlanBody(plan: Plan): PlanBody {
  return {
    id: plan.id,
    object: 'plan',
    name: plan.name,
    kind: plan.kind,
    limits: toLimitsBody(plan.limits),
    quota: plan.quota === null ? null : { ...plan.quota },
    allowed_models: plan.allowedModels,
    flags: { is_non_commercial_only: plan.flags.isNonCommercialOnly },
    created_at: plan.createdAt.toISOString(),
    updated_at: plan.updatedAt.toISOString(),
  };
}

/** A create request (or a `charter plans create` file) → domain definition; omitted optional fields mean none / false. */
export function toPlanDefinition(body: CreatePlanRequestBody): PlanDefinition {
  return {
    id: body.id,
    name: body.name,
    kind: body.kind,
    limits: fromLimitsBody(body.limits),
    quota: body.quota ?? null,
    allowedModels: body.allowed_models ?? null,
    flags: { isNonCommercialOnly: body.flags?.is_non_commercial_only ?? false },
  };
}

/** A PATCH body → domain changes; absent fields stay absent so they keep their value. */
export function toPlanChanges(body: UpdatePlanRequestBody): PlanChanges {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.kind === undefined ? {} : { kind: body.kind }),
    ...(body.limits === undefined ? {} : { limits: fromLimitsBody(body.limits) }),
    ...(body.quota === undefined ? {} : { quota: body.quota }),
    ...(body.allowed_models === undefined ? {} : { allowedModels: body.allowed_models }),
    ...(body.flags === undefined ? {} : { flags: definedOnly({ isNonCommercialOnly: body.flags.is_non_commercial_only }) }),
  };
}

/** Assignment overrides on the wire → domain. */
export function toPlanOverrides(body: AssignPlanRequestBody['overrides']): PlanOverrides {
  if (body === undefined) return {};
  return {
    ...(body.limits === undefined ? {} : { limits: fromLimitsBody(body.limits) }),
    ...(body.quota === undefined ? {} : { quota: body.quota === null ? null : (definedOnly(body.quota) as Partial<QuotaRule>) }),
    ...(body.allowed_models === undefined ? {} : { allowedModels: body.allowed_models }),
  };
}

/** Domain assignment → wire shape. */
export function toPlanAssignmentBody(assignment: PlanAssignment): PlanAssignmentBody {
  const overrides: OverridesBody = {};
  if (assignment.overrides.limits !== undefined) overrides.limits = definedOnly(toLimitsBody(assignment.overrides.limits));
  if (assignment.overrides.quota !== undefined) overrides.quota = assignment.overrides.quota === null ? null : { ...assignment.overrides.quota };
  if (assignment.overrides.allowedModels !== undefined) overrides.allowed_models = assignment.overrides.allowedModels;
  return {
    object: 'plan.assignment',
    plan_id: assignment.planId,
    owner_type: assignment.ownerType,
    owner_id: assignment.ownerId,
    billing_time_zone: assignment.billingTimeZone,
    overrides,
    assigned_at: assignment.assignedAt.toISOString(),
  };
}

function toLimitsBody(limits: RateLimits): LimitsBody;
function toLimitsBody(limits: Partial<RateLimits>): Partial<LimitsBody>;
function toLimitsBody(limits: Partial<RateLimits>): Partial<LimitsBody> {
  return {
    requests_per_minute: limits.requestsPerMinute,
    requests_per_hour: limits.requestsPerHour,
    tokens_per_minute: limits.tokensPerMinute,
    concurrent_requests: limits.concurrentRequests,
  };
}

function fromLimitsBody(limits: LimitsBody): RateLimits;
function fromLimitsBody(limits: Partial<LimitsBody>): Partial<RateLimits>;
function fromLimitsBody(limits: Partial<LimitsBody>): Partial<RateLimits> {
  return definedOnly({
    requestsPerMinute: limits.requests_per_minute,
    requestsPerHour: limits.requests_per_hour,
    tokensPerMinute: limits.tokens_per_minute,
    concurrentRequests: limits.concurrent_requests,
  });
}

// A field left out of a partial body must stay out, not become `undefined` that overwrites a stored value.
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
