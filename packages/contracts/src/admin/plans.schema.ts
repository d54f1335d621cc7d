import { z } from 'zod';

// Request objects are strict: an operator's misspelt field is a 400 naming it, not a silently ignored change.

/** Kinds of plan (BIL-1). */
export const planKindSchema = z.enum(['free', 'pay_as_you_go', 'monthly', 'annual', 'enterprise']);

/** A rate limit: a positive integer, or null for no limit. Ranges are checked by the server (400 with the field as `param`). */
const limitSchema = z.number().int().nullable();

/** Rate limits of a plan (API-5). */
export const planLimitsSchema = z.strictObject({
  requests_per_minute: limitSchema,
  requests_per_hour: limitSchema,
  tokens_per_minute: limitSchema,
  concurrent_requests: limitSchema,
});

/** A usage quota (API-6) over calendar months or years in the owner's billing time zone. `spend_minor` is refused until the price book exists. */
export const planQuotaSchema = z.strictObject({
  period: z.enum(['month', 'year']),
  unit: z.enum(['tokens', 'spend_minor']),
  amount: z.number().int(),
  /** Past the quota: `block` refuses with 429 insufficient_quota; `bill` serves and bills the overage. */
  overage: z.enum(['block', 'bill']),
});

export const planFlagsSchema = z.strictObject({
  /** The plan may not be used commercially (AUP-9). */
  is_non_commercial_only: z.boolean(),
});

/** Body of `POST /api/v1/admin/plans`, and the file `charter plans create --file` reads. */
export const createPlanRequestSchema = z.strictObject({
  /** Lowercase slug used in URLs: 1 to 64 of a-z, 0-9, `_`, `.`, `-`. */
  id: z.string(),
  name: z.string(),
  kind: planKindSchema,
  limits: planLimitsSchema,
  /** Null or omitted for no quota. */
  quota: planQuotaSchema.nullish(),
  /** Public model names the plan includes; null or omitted for all. */
  allowed_models: z.array(z.string()).nullish(),
  flags: planFlagsSchema.optional(),
});
export type CreatePlanRequestBody = z.infer<typeof createPlanRequestSchema>;

/**
 * Body of `PATCH /api/v1/admin/plans/{plan_id}`: fields left out keep their value; `limits` and `flags` are
 * merged field by field; `quota` and `allowed_models` are replaced as a whole (null removes them).
 */
export const updatePlanRequestSchema = z.strictObject({
  name: z.string().optional(),
  kind: planKindSchema.optional(),
  limits: planLimitsSchema.partial().optional(),
  quota: planQuotaSchema.nullable().optional(),
  allowed_models: z.array(z.string()).nullable().optional(),
  flags: planFlagsSchema.partial().optional(),
});
export type UpdatePlanRequestBody = z.infer<typeof updatePlanRequestSchema>;

export const planSchema = z.object({
  id: z.string(),
  object: z.literal('plan'),
  name: z.string(),
  kind: planKindSchema,
  limits: planLimitsSchema,
  quota: planQuotaSchema.nullable(),
  allowed_models: z.array(z.string()).nullable(),
  flags: planFlagsSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type PlanBody = z.infer<typeof planSchema>;

export const planListSchema = z.object({ object: z.literal('list'), data: z.array(planSchema) });
export type PlanListBody = z.infer<typeof planListSchema>;

export const planDeletedSchema = z.object({ id: z.string(), object: z.literal('plan.deleted'), deleted: z.literal(true) });
export type PlanDeletedBody = z.infer<typeof planDeletedSchema>;

export const planOwnerTypeSchema = z.enum(['user', 'organization']);

/** Per-owner terms of an enterprise plan: only what differs. `quota: null` removes the quota. */
export const planOverridesSchema = z.strictObject({
  limits: planLimitsSchema.partial().optional(),
  quota: planQuotaSchema.partial().nullable().optional(),
  allowed_models: z.array(z.string()).nullable().optional(),
});

/** Body of `PUT /api/v1/admin/plans/{plan_id}/assignments`: put an owner on the plan, replacing its current one. */
export const assignPlanRequestSchema = z.strictObject({
  owner_type: planOwnerTypeSchema,
  owner_id: z.string().min(1).max(100),
  /** IANA time zone in which the owner's quota months and years begin (default `UTC`). */
  billing_time_zone: z.string().min(1).max(100).optional(),
  /** Enterprise plans only. */
  overrides: planOverridesSchema.optional(),
});
export type AssignPlanRequestBody = z.infer<typeof assignPlanRequestSchema>;

export const planAssignmentSchema = z.object({
  object: z.literal('plan.assignment'),
  plan_id: z.string(),
  owner_type: planOwnerTypeSchema,
  owner_id: z.string(),
  billing_time_zone: z.string(),
  overrides: planOverridesSchema,
  assigned_at: z.string(),
});
export type PlanAssignmentBody = z.infer<typeof planAssignmentSchema>;

export const planAssignmentListSchema = z.object({ object: z.literal('list'), data: z.array(planAssignmentSchema) });

export const planAssignmentDeletedSchema = z.object({
  object: z.literal('plan.assignment.deleted'),
  plan_id: z.string(),
  owner_type: planOwnerTypeSchema,
  owner_id: z.string(),
  deleted: z.literal(true),
});

export const planParamsSchema = z.object({ plan_id: z.string().min(1).max(100) });
export const planAssignmentParamsSchema = planParamsSchema.extend({ owner_type: planOwnerTypeSchema, owner_id: z.string().min(1).max(100) });
