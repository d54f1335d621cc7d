import type { RateLimits } from '../limits/rate-limits.js';

/**
 * Who is making a request, after authentication. Every owner-scoped use case takes a principal and
 * reads only what belongs to `userId` (or to `organizationId` when the request acts for an organisation).
 */
export interface Principal {
  userId: string;
  /** The organisation the request acts for, when any. */
  organizationId: string | null;
  /** Present when the request authenticated with an API key. */
  apiKeyId: string | null;
  /** Present when the request authenticated with a browser session (ACC-3). */
  sessionId: string | null;
  /** What the credential may do; `null` lists mean "no restriction". */
  scopes: ApiScopes;
}

/** Restrictions carried by a credential. */
export interface ApiScopes {
  /** Public model names this credential may use; `null` for all. */
  models: string[] | null;
  /** Endpoint families this credential may call; `null` for all. */
  endpoints: ApiEndpoint[] | null;
  /**
   * Rate limits of the credential's own, on top of its owner's plan: a request must pass both, so only a limit
   * lower than the plan's has any effect. `null` (or a `null` field) for none.
   */
  rateLimits: RateLimits | null;
}

/** Endpoint families a key can be scoped to. */
export const apiEndpoints = ['chat.completions', 'completions', 'embeddings', 'models', 'moderations', 'api_keys', 'usage', 'admin'] as const;
/** One endpoint family. */
export type ApiEndpoint = (typeof apiEndpoints)[number];

/**
 * Endpoint families a credential may call only when its scopes name them: key management, the usage report
 * and instance administration. An unrestricted (`null`) endpoint list means "all inference endpoints".
 */
export const explicitOnlyApiEndpoints: readonly ApiEndpoint[] = ['api_keys', 'usage', 'admin'];

/**
 * What a signed-in person's browser session may do: everything of their own account (inference, keys, usage);
 * administration only through the staff checks, never through the scope.
 */
export const sessionScopes: ApiScopes = { models: null, endpoints: apiEndpoints.filter((endpoint) => endpoint !== 'admin'), rateLimits: null };

/**
 * Whether a credential may call an endpoint family. Privileged families must be named explicitly, so a
 * leaked inference key can neither mint more keys, read the owner's usage nor change plans.
 */
export function canCallEndpoint(scopes: ApiScopes, endpoint: ApiEndpoint): boolean {
  if (scopes.endpoints === null) return !explicitOnlyApiEndpoints.includes(endpoint);
  return scopes.endpoints.includes(endpoint);
}

/** Whether a credential may use a public model name. */
export function canUseModel(scopes: ApiScopes, model: string): boolean {
  return scopes.models === null || scopes.models.includes(model);
}
