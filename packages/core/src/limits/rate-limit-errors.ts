import { CharterError } from '../errors.js';
import { formatResetDuration, rateLimitHeaders, type RateLimitHeaderValues } from './rate-limit-headers.js';
import type { RateLimitWindowKind } from './rate-limits.js';
import type { RateLimitRefusal, RefusedRateLimitWindow } from './reservation.js';

const windowLabels: Record<RateLimitWindowKind, string> = {
  requests_per_minute: 'requests per min (RPM)',
  requests_per_hour: 'requests per hour (RPH)',
  tokens_per_minute: 'tokens per min (TPM)',
  concurrent_requests: 'concurrent requests',
};

/**
 * A rate limit refused the request (API-5); mapped once to 429 `rate_limit_exceeded`. Carries the header
 * values (`retry-after`, `x-ratelimit-*`) the response must include.
 */
export class RateLimitExceededError extends CharterError {
  /** How long to wait; null when waiting cannot help. */
  readonly retryAfterMs: number | null;
  /** Header values for the 429 response. */
  readonly headers: RateLimitHeaderValues;
  /** The window that refused. */
  readonly window: RefusedRateLimitWindow;

  constructor(refusal: RateLimitRefusal) {
    super('rate_limit_exceeded', describeRefusal(refusal), { isRetryable: !refusal.isRequestTooLarge });
    this.retryAfterMs = refusal.retryAfterMs;
    this.headers = rateLimitHeaders(refusal);
    this.window = refusal.window;
  }
}

/** The shared rate-limit store cannot be reached and the policy is to refuse (fail closed); 503. */
export class RateLimitUnavailableError extends CharterError {
  constructor(options: { cause?: unknown } = {}) {
    super('service_unavailable', 'Rate limiting is temporarily unavailable, so the request was not admitted. Please retry shortly.', {
      cause: options.cause,
      isRetryable: true,
    });
  }
}

// Worded like OpenAI's messages, which clients and people already recognise.
function describeRefusal(refusal: RateLimitRefusal): string {
  const { window } = refusal;
  const where = window.scope === 'key' ? 'on this API key' : 'on this account';
  const label = windowLabels[window.kind];
  if (refusal.isRequestTooLarge) {
    return `Request too large ${where} on ${label}: Limit ${window.limit}, Requested ${window.requested}. Reduce the input or the maximum output tokens.`;
  }
  const used = Math.max(0, window.limit - window.remaining);
  const wait = refusal.retryAfterMs === null ? 'Please try again when a running request has finished.' : `Please try again in ${formatResetDuration(refusal.retryAfterMs)}.`;
  return `Rate limit reached ${where} on ${label}: Limit ${window.limit}, Used ${used}, Requested ${window.requested}. ${wait}`;
}
