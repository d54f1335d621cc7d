import type { ApiKeyBody } from '@charter/contracts';

type KeyRateLimits = ApiKeyBody['scopes']['rate_limits'];
/** The translation function's shape this module needs (i18next's `t` fits). */
type Translate = (key: string, options?: Record<string, unknown>) => string;

const parts = [
  ['requests_per_minute', 'apiKeys.limitPerMinute'],
  ['requests_per_hour', 'apiKeys.limitPerHour'],
  ['tokens_per_minute', 'apiKeys.limitTokensPerMinute'],
  ['concurrent_requests', 'apiKeys.limitConcurrent'],
] as const;

/** A key's own rate limits in one line ("30 requests/min · 2 at once"), or that its owner's plan alone applies. */
export function describeKeyRateLimits(limits: KeyRateLimits, t: Translate, locale: string): string {
  const set = parts.flatMap(([field, message]) => {
    const limit = limits?.[field];
    return limit === null || limit === undefined ? [] : [t(message, { count: limit, value: limit.toLocaleString(locale) })];
  });
  return set.length === 0 ? t('apiKeys.planLimits') : set.join(' · ');
}
