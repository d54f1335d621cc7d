import { z } from 'zod';
import { planLimitsSchema } from '../admin/plans.schema.js';

/**
 * Endpoint families a key may be limited to. `api_keys` (key management), `usage` (the usage report) and
 * `admin` (instance administration) are never implied by "all": a key must name them.
 */
export const apiKeyEndpointSchema = z.enum(['chat.completions', 'completions', 'embeddings', 'models', 'moderations', 'api_keys', 'usage', 'admin']);

export const apiKeyScopesSchema = z.object({
  /** Public model names the key may use; omitted or null for all. */
  models: z.array(z.string().min(1)).min(1).nullish(),
  /** Endpoint families the key may call; omitted or null for all inference endpoints (not `api_keys`, `usage`, `admin`). */
  endpoints: z.array(apiKeyEndpointSchema).min(1).nullish(),
  /**
   * Rate limits of the key's own (API-5), counted on top of its owner's plan: a request must pass both, so only a
   * limit lower than the plan's has an effect. Each an integer from 1 to 10^9; omitted or null for none.
   */
  rate_limits: planLimitsSchema.partial().nullish(),
});

export const createApiKeyRequestSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: apiKeyScopesSchema.optional(),
  /** RFC 3339 time in the future, or null for no expiry. */
  expires_at: z.iso.datetime({ offset: true }).nullish(),
});
export type CreateApiKeyRequestBody = z.infer<typeof createApiKeyRequestSchema>;

/**
 * Body of `PATCH /api/v1/keys/{key_id}`: a new name; the models and endpoint families the key may use (a list
 * replaces the old one, null lifts the restriction); and the key's own rate limits (a field given replaces that
 * limit, null removes it; `rate_limits: null` removes them all). What is left out stays as it is.
 */
export const updateApiKeyRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    scopes: z
      .strictObject({
        models: z.array(z.string().min(1)).min(1).nullable().optional(),
        endpoints: z.array(apiKeyEndpointSchema).min(1).nullable().optional(),
        rate_limits: planLimitsSchema.partial().nullable().optional(),
      })
      .refine((scopes) => scopes.models !== undefined || scopes.endpoints !== undefined || scopes.rate_limits !== undefined, { message: 'Nothing to change in scopes: give models, endpoints or rate_limits.' })
      .optional(),
  })
  .refine((body) => body.name !== undefined || body.scopes !== undefined, { message: 'Nothing to change: give name or scopes.' });
export type UpdateApiKeyRequestBody = z.infer<typeof updateApiKeyRequestSchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  name: z.string(),
  prefix: z.string(),
  scopes: z.object({ models: z.array(z.string()).nullable(), endpoints: z.array(apiKeyEndpointSchema).nullable(), rate_limits: planLimitsSchema.nullable() }),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  rotated_from_id: z.string().nullable(),
  /** The organisation the key belongs to (ACC-7); null for a personal key. */
  organization_id: z.string().nullable(),
  /** The member who holds the key: its creator, or the member it was transferred to. */
  owner_user_id: z.string(),
});
export type ApiKeyBody = z.infer<typeof apiKeySchema>;

/** The one response that carries the secret: creation and rotation. */
export const issuedApiKeySchema = apiKeySchema.extend({ key: z.string() });
export type IssuedApiKeyBody = z.infer<typeof issuedApiKeySchema>;

export const apiKeyListSchema = z.object({ object: z.literal('list'), data: z.array(apiKeySchema) });
export type ApiKeyListBody = z.infer<typeof apiKeyListSchema>;

export const apiKeyParamsSchema = z.object({ key_id: z.string().min(1).max(100) });
