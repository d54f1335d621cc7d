/**
 * The rate limits of a plan (API-5). Each is a positive integer, or `null` for no limit. Rates are enforced
 * as GCRA windows (see `gcra-window.ts`): a full window may be spent in one burst, then it refills evenly.
 */
export interface RateLimits {
  /** Requests admitted per minute. */
  requestsPerMinute: number | null;
  /** Requests admitted per hour. */
  requestsPerHour: number | null;
  /** Tokens (prompt plus requested completion, settled to the real count) per minute. */
  tokensPerMinute: number | null;
  /** Requests running at the same time. */
  concurrentRequests: number | null;
}

/** The windows a request is admitted through. */
export const rateLimitWindowKinds = ['requests_per_minute', 'requests_per_hour', 'tokens_per_minute', 'concurrent_requests'] as const;
/** One window kind. */
export type RateLimitWindowKind = (typeof rateLimitWindowKinds)[number];

/**
 * The largest limit accepted. Window arithmetic is done in integers scaled by the period (limit × period ms),
 * and Redis's Lua keeps numbers as doubles: 10^9 × 3.6·10^6 ms stays below 2^53, so every step is exact.
 */
export const maxRateLimit = 1_000_000_000;

/** How each window kind is counted: its period, what a request costs in it, and which limit it reads. */
export const rateLimitWindowDefinitions: Readonly<
  Record<RateLimitWindowKind, { limitField: keyof RateLimits; periodMs: number; unit: 'requests' | 'tokens' | 'concurrency'; keySuffix: string }>
> = {
  requests_per_minute: { limitField: 'requestsPerMinute', periodMs: 60_000, unit: 'requests', keySuffix: 'rpm' },
  requests_per_hour: { limitField: 'requestsPerHour', periodMs: 3_600_000, unit: 'requests', keySuffix: 'rph' },
  tokens_per_minute: { limitField: 'tokensPerMinute', periodMs: 60_000, unit: 'tokens', keySuffix: 'tpm' },
  concurrent_requests: { limitField: 'concurrentRequests', periodMs: 0, unit: 'concurrency', keySuffix: 'conc' },
};

/** No limits at all. */
export const unlimitedRateLimits: Readonly<RateLimits> = {
  requestsPerMinute: null,
  requestsPerHour: null,
  tokensPerMinute: null,
  concurrentRequests: null,
};
