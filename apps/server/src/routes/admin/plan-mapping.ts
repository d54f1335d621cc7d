import type { AssignPlanRequestBody, CreatePlanRequestBody, PlanAssignmentBody, PlanBody, UpdatePlanRequestBody } from '@charter/contracts';
import { definedFields, type Plan, type PlanAssignment, type PlanChanges, type PlanDefinition, type PlanOverrides, type QuotaRule } from '@charter/core';
import { fromRateLimitsBody, toRateLimitsBody } from '../rate-limits-mapping.js';

type OverridesBody = PlanAssignmentBody['overrides'];

/** Domain plan → wire shape. */
export function toPlanBody(plan: Plan): PlanBody {
  return {
    id: plan.id,
    object: 'plan',
    name: plan.name,
    kind: plan.kind,
    limits: toRateLimitsBody(plan.limits),
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
    limits: fromRateLimitsBody(body.limits),
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
    ...(body.limits === undefined ? {} : { limits: fromRateLimitsBody(body.limits) }),
    ...(body.quota === undefined ? {} : { quota: body.quota }),
    ...(body.allowed_models === undefined ? {} : { allowedModels: body.allowed_models }),
    ...(body.flags === undefined ? {} : { flags: definedFields({ isNonCommercialOnly: body.flags.is_non_commercial_only }) }),
  };
}

/** Assignment overrides on the wire → domain. */
export function toPlanOverrides(body: AssignPlanRequestBody['overrides']): PlanOverrides {
  if (body === undefined) return {};
  return {
    ...(body.limits === undefined ? {} : { limits: fromRateLimitsBody(body.limits) }),
    ...(body.quota === undefined ? {} : { quota: body.quota === null ? null : (definedFields(body.quota) as Partial<QuotaRule>) }),
    ...(body.allowed_models === undefined ? {} : { allowedModels: body.allowed_models }),
  };
}

/** Domain assignment → wire shape. */
export function toPlanAssignmentBody(assignment: PlanAssignment): PlanAssignmentBody {
  const overrides: OverridesBody = {};
  if (assignment.overrides.limits !== undefined) overrides.limits = definedFields(toRateLimitsBody(assignment.overrides.limits));
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
