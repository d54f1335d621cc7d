import type { PlanBody } from '@charter/contracts';
import type { RateLimits } from '@charter/core';

/** Rate limits on the wire (plans, overrides and API keys share the shape). */
export type RateLimitsBody = PlanBody['limits'];

/** Domain rate limits → wire shape. */
export function toRateLimitsBody(limits: RateLimits): RateLimitsBody;
export function toRateLimitsBody(limits: Partial<RateLimits>): Partial<RateLimitsBody>;
export function toRateLimitsBody(limits: Partial<RateLimits>): Partial<RateLimitsBody> {
  return {
    requests_per_minute: limits.requestsPerMinute,
    requests_per_hour: limits.requestsPerHour,
    tokens_per_minute: limits.tokensPerMinute,
    concurrent_requests: limits.concurrentRequests,
  };
}

/** Wire rate limits → domain; a field left out of a partial body stays out (it must not overwrite a stored value). */
export function fromRateLimitsBody(limits: RateLimitsBody): RateLimits;
export function fromRateLimitsBody(limits: Partial<RateLimitsBody>): Partial<RateLimits>;
export function fromRateLimitsBody(limits: Partial<RateLimitsBody>): Partial<RateLimits> {
  return definedOnly({
    requestsPerMinute: limits.requests_per_minute,
    requestsPerHour: limits.requests_per_hour,
    tokensPerMinute: limits.tokens_per_minute,
    concurrentRequests: limits.concurrent_requests,
  });
}

/** Wire rate limits where a field left out means "no limit" (an API key's own limits) → complete domain limits. */
export function completeRateLimits(limits: Partial<RateLimitsBody>): RateLimits {
  return { requestsPerMinute: null, requestsPerHour: null, tokensPerMinute: null, concurrentRequests: null, ...fromRateLimitsBody(limits) };
}

// A field left out of a partial body must stay out, not become `undefined` that overwrites a stored value.
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
