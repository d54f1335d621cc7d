import type { RateLimitWindowState } from './rate-limit-subject.js';

/**
 * OpenAI's rate-limit response headers as plain data (core knows no HTTP; the server copies each field
 * into a header of the same name). Fields are absent when no window of that kind applies.
 */
export interface RateLimitHeaderValues {
  'x-ratelimit-limit-requests'?: string;
  'x-ratelimit-remaining-requests'?: string;
  /** Time until the request windows are full again, in OpenAI's format (`1s`, `6m0s`, `20ms`). */
  'x-ratelimit-reset-requests'?: string;
  'x-ratelimit-limit-tokens'?: string;
  'x-ratelimit-remaining-tokens'?: string;
  'x-ratelimit-reset-tokens'?: string;
  /** Whole seconds to wait, rounded up (only on refusals that waiting can cure). */
  'retry-after'?: string;
  /** The same in milliseconds; the official OpenAI SDKs prefer it. */
  'retry-after-ms'?: string;
}

/** What the headers are computed from: a reservation or a refusal. */
export interface RateLimitHeaderSource {
  windows: readonly RateLimitWindowState[];
  /** The clock the decision was made by; resets are relative to it. */
  decidedAtMs: number;
  retryAfterMs?: number | null;
}

/**
 * Header values for a decision. Of all request windows (per minute and per hour, key and owner) the one with
 * the fewest remaining is reported, since it is the one that will refuse first; likewise for tokens.
 */
export function rateLimitHeaders(source: RateLimitHeaderSource): RateLimitHeaderValues {
  const headers: RateLimitHeaderValues = {};
  const requests = tightestWindow(source.windows.filter((window) => window.kind === 'requests_per_minute' || window.kind === 'requests_per_hour'));
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining);
    headers['x-ratelimit-reset-requests'] = formatResetDuration(requests.resetAtMs - source.decidedAtMs);
  }
  const tokens = tightestWindow(source.windows.filter((window) => window.kind === 'tokens_per_minute'));
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining);
    headers['x-ratelimit-reset-tokens'] = formatResetDuration(tokens.resetAtMs - source.decidedAtMs);
  }
  if (source.retryAfterMs !== undefined && source.retryAfterMs !== null) {
    const retryAfterMs = Math.max(0, Math.ceil(source.retryAfterMs));
    headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
    headers['retry-after-ms'] = String(retryAfterMs);
  }
  return headers;
}

function tightestWindow(windows: readonly RateLimitWindowState[]): RateLimitWindowState | undefined {
  let tightest: RateLimitWindowState | undefined;
  for (const window of windows) {
    if (!tightest || window.remaining < tightest.remaining || (window.remaining === tightest.remaining && window.resetAtMs > tightest.resetAtMs)) {
      tightest = window;
    }
  }
  return tightest;
}

/**
 * A duration the way OpenAI writes it (Go's `time.Duration` format, to the millisecond): `0s`, `20ms`, `1s`,
 * `1.5s`, `6m0s`, `1h0m0s`. Fractions of a millisecond round up, so a client never retries too early.
 */
export function formatResetDuration(durationMs: number): string {
  const totalMs = Math.max(0, Math.ceil(durationMs));
  if (totalMs === 0) return '0s';
  if (totalMs < 1000) return `${totalMs}ms`;
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const secondsMs = totalMs % 60_000;
  const wholeSeconds = Math.floor(secondsMs / 1000);
  const fraction = secondsMs % 1000;
  const seconds = fraction === 0 ? String(wholeSeconds) : `${wholeSeconds}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}
