import type { PlanBody } from '@charter/contracts';
import { definedFields, type RateLimits } from '@charter/core';

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
  return definedFields({
    requestsPerMinute: limits.requests_per_minute,
    requestsPerHour: limits.requests_per_hour,
    tokensPerMinute: limits.tokens_per_minute,
    concurrentRequests: limits.concurrent_requests,
  });
}
