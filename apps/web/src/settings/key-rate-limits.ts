import type { ApiKeyBody } from '@charter/contracts';

type KeyRateLimits = ApiKeyBody['scopes']['rate_limits'];
type LimitField = keyof NonNullable<KeyRateLimits>;
/** The translation function's shape this module needs (i18next's `t` fits). */
type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Each limit a key may have, with its message in the table and its label in the forms. */
export const keyLimitFields = [
  { field: 'requests_per_minute', summary: 'apiKeys.limitPerMinute', label: 'apiKeys.requestsPerMinute' },
  { field: 'requests_per_hour', summary: 'apiKeys.limitPerHour', label: 'apiKeys.requestsPerHour' },
  { field: 'tokens_per_minute', summary: 'apiKeys.limitTokensPerMinute', label: 'apiKeys.tokensPerMinute' },
  { field: 'concurrent_requests', summary: 'apiKeys.limitConcurrent', label: 'apiKeys.concurrentRequests' },
] as const satisfies ReadonlyArray<{ field: LimitField; summary: string; label: string }>;

/** What the limit inputs of a form hold: the text of each field, empty for none. */
export type KeyLimitInputs = Record<LimitField, string>;

/** A key's own rate limits in one line ("30 requests/min · 2 at once"), or that its owner's plan alone applies. */
export function describeKeyRateLimits(limits: KeyRateLimits, t: Translate, locale: string): string {
  const set = keyLimitFields.flatMap(({ field, summary }) => {
    const limit = limits?.[field];
    return limit === null || limit === undefined ? [] : [t(summary, { count: limit, value: limit.toLocaleString(locale) })];
  });
  return set.length === 0 ? t('apiKeys.planLimits') : set.join(' · ');
}

/** The inputs of the edit form, filled from a key's current limits. */
export function keyLimitInputs(limits: KeyRateLimits): KeyLimitInputs {
  const entries = keyLimitFields.map(({ field }) => [field, limits?.[field]?.toString() ?? '']);
  return Object.fromEntries(entries) as KeyLimitInputs;
}

/**
 * The limits to send: every field, an empty one as null (none); null when every field is empty. The inputs are number
 * inputs, so they hold a number or nothing; range and whole numbers are checked by the server, whose error names the
 * field.
 */
export function keyRateLimitsFromInputs(inputs: KeyLimitInputs): Record<LimitField, number | null> | null {
  if (hasNoKeyLimits(inputs)) return null;
  const entries = keyLimitFields.map(({ field }) => {
    const text = inputs[field].trim();
    return [field, text === '' ? null : Number(text)];
  });
  return Object.fromEntries(entries) as Record<LimitField, number | null>;
}

/** True when no field has a limit (the plan's limits alone apply). */
export function hasNoKeyLimits(inputs: KeyLimitInputs): boolean {
  return keyLimitFields.every(({ field }) => inputs[field].trim() === '');
}
