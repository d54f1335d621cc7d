import { describe, expect, it } from 'vitest';
import { formatResetDuration, rateLimitHeaders } from './rate-limit-headers.js';
import type { RateLimitWindowState } from './rate-limit-subject.js';

function window(fields: Partial<RateLimitWindowState> & Pick<RateLimitWindowState, 'kind'>): RateLimitWindowState {
  return { scope: 'owner', subjectId: 'user:1', limit: 100, remaining: 50, resetAtMs: 1_000, ...fields };
}

describe('rate-limit headers', () => {
  it("API-5 durations are written the way OpenAI writes them (Go's format)", () => {
    expect(formatResetDuration(0)).toBe('0s');
    expect(formatResetDuration(-5)).toBe('0s');
    expect(formatResetDuration(0.2)).toBe('1ms');
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(999)).toBe('999ms');
    expect(formatResetDuration(1000)).toBe('1s');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(8_572)).toBe('8.572s');
    expect(formatResetDuration(59_999)).toBe('59.999s');
    expect(formatResetDuration(60_000)).toBe('1m0s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(361_050)).toBe('6m1.05s');
    expect(formatResetDuration(3_600_000)).toBe('1h0m0s');
    expect(formatResetDuration(3_723_400)).toBe('1h2m3.4s');
  });

  it('API-5 the request and token headers describe the window that will refuse first, relative to the decision', () => {
    const headers = rateLimitHeaders({
      decidedAtMs: 10_000,
      windows: [
        window({ kind: 'requests_per_minute', scope: 'key', limit: 60, remaining: 59, resetAtMs: 11_000 }),
        window({ kind: 'requests_per_hour', scope: 'owner', limit: 1000, remaining: 3, resetAtMs: 10_000 + 3_600_000 }),
        window({ kind: 'tokens_per_minute', scope: 'key', limit: 40_000, remaining: 39_000, resetAtMs: 11_500 }),
        window({ kind: 'tokens_per_minute', scope: 'owner', limit: 100_000, remaining: 20_000, resetAtMs: 58_000 }),
        window({ kind: 'concurrent_requests', limit: 2, remaining: 0, resetAtMs: 10_000 }),
      ],
    });
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '1000',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '1h0m0s',
      'x-ratelimit-limit-tokens': '100000',
      'x-ratelimit-remaining-tokens': '20000',
      'x-ratelimit-reset-tokens': '48s',
    });
  });

  it('API-5 retry-after is whole seconds rounded up, with the exact milliseconds beside it; absent when no window applies', () => {
    expect(rateLimitHeaders({ decidedAtMs: 0, windows: [], retryAfterMs: 8_571.2 })).toEqual({ 'retry-after': '9', 'retry-after-ms': '8572' });
    expect(rateLimitHeaders({ decidedAtMs: 0, windows: [], retryAfterMs: 1 })).toEqual({ 'retry-after': '1', 'retry-after-ms': '1' });
    expect(rateLimitHeaders({ decidedAtMs: 0, windows: [], retryAfterMs: null })).toEqual({});
    expect(rateLimitHeaders({ decidedAtMs: 0, windows: [] })).toEqual({});
  });
});
