/**
 * Who is making a request, after authentication. Every owner-scoped use case takes a principal and
 * reads only what belongs to `userId` (or, once organisations exist, to `organizationId`).
 */
export interface Principal {
  userId: string;
  /** The organisation the request acts for, when any. */
  organizationId: string | null;
  /** Present when the request authenticated with an API key. */
  apiKeyId: string | null;
  /** What the credential may do; `null` lists mean "no restriction". */
  scopes: ApiScopes;
}

/** Restrictions carried by a credential. */
export interface ApiScopes {
  /** Public model names this credential may use; `null` for all. */
  models: string[] | null;
  /** Endpoint families this credential may call; `null` for all. */
  endpoints: ApiEndpoint[] | null;
}

/** Endpoint families a key can be scoped to. */
export const apiEndpoints = ['chat.completions', 'completions', 'embeddings', 'models', 'moderations'] as const;
/** One endpoint family. */
export type ApiEndpoint = (typeof apiEndpoints)[number];
