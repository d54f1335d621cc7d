import type { ApiKeyBody } from '@charter/contracts';

type KeyScopes = ApiKeyBody['scopes'];
type KeyEndpoint = NonNullable<KeyScopes['endpoints']>[number];
/** The translation function's shape this module needs (i18next's `t` fits). */
type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What the permission checkboxes of the create form hold: nothing ticked means no restriction. */
export interface KeyScopeChoices {
  models: readonly string[];
  endpoints: readonly KeyEndpoint[];
}

export const noKeyScopeChoices: KeyScopeChoices = { models: [], endpoints: [] };

const inferenceEndpoints: readonly KeyEndpoint[] = ['chat.completions', 'completions', 'embeddings', 'models', 'moderations'];

/**
 * The endpoint families a key may be limited to, in the order the form lists them: inference first, then key
 * management and usage (which a key gets only when they are ticked). Never administration: only the instance
 * owner's keys may have it (made with the CLI); staff administer signed in.
 */
export function keyEndpointChoices(): readonly KeyEndpoint[] {
  return [...inferenceEndpoints, 'api_keys', 'usage'];
}

/** The checkboxes of the edit form, ticked as a key's permissions are. */
export function keyScopeChoices(scopes: Pick<KeyScopes, 'models' | 'endpoints'>): KeyScopeChoices {
  return { models: scopes.models ?? [], endpoints: scopes.endpoints ?? [] };
}

/** The scopes to send: a list for what is ticked, null (unrestricted) for a group with nothing ticked. */
export function keyScopesFromChoices(choices: KeyScopeChoices): Pick<KeyScopes, 'models' | 'endpoints'> {
  return {
    models: choices.models.length > 0 ? [...choices.models] : null,
    endpoints: choices.endpoints.length > 0 ? [...choices.endpoints] : null,
  };
}

/** The message naming an endpoint family (its id has a dot, which i18next reads as nesting). */
export function endpointMessage(endpoint: KeyEndpoint): string {
  return `apiKeys.endpoint.${endpoint.replace('.', '_')}`;
}

/** A key's permissions in one line ("All models · Chat completions, Embeddings"). */
export function describeKeyScopes(scopes: KeyScopes, t: Translate): string {
  const models = scopes.models === null ? t('apiKeys.allModels') : scopes.models.join(', ');
  const endpoints = scopes.endpoints === null ? t('apiKeys.allInferenceEndpoints') : scopes.endpoints.map((endpoint) => t(endpointMessage(endpoint))).join(', ');
  return `${models} · ${endpoints}`;
}
