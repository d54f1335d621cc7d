import { describe, expect, it } from 'vitest';
import { InMemoryRateLimitStore } from './in-memory-rate-limit-store.js';
import { RateLimitExceededError } from './rate-limit-errors.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { RateLimitSubject } from './rate-limit-subject.js';
import { rateLimitSubjectsFor } from './rate-limit-subject.js';
import { RateLimiter } from './rate-limiter.js';
import { unlimitedRateLimits, type RateLimits } from './rate-limits.js';
import type { RateLimitDecision, Reservation } from './reservation.js';

const startMs = Date.UTC(2025, 0, 15, 12);

function limits(fields: Partial<RateLimits>): RateLimits {
  return { ...unlimitedRateLimits, ...fields };
}

function setup(options: { leaseMs?: number } = {}) {
  let nowMs = startMs;
  const store = new InMemoryRateLimitStore();
  const limiter = new RateLimiter({ store, clock: () => new Date(nowMs), leaseMs: options.leaseMs });
  return {
    store,
    limiter,
    advance: (ms: number) => (nowMs += ms),
    now: () => nowMs,
  };
}

function admitted(decision: RateLimitDecision): Reservation {
  if (!decision.isAdmitted) throw new Error(`refused by ${decision.refusal.window.kind}`);
  return decision.reservation;
}

function remaining(reservation: Reservation, scope: 'key' | 'owner', kind: string): number | undefined {
  return reservation.windows.find((window) => window.scope === scope && window.kind === kind)?.remaining;
}

describe('RateLimiter on the in-memory store', () => {
  it('API-5 admits exactly the per-minute limit in a burst and refuses the rest with the time until one fits', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ requestsPerMinute: 5 }) }];
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.reserve({ subjects, tokenCost: 0 })));
    expect(decisions.filter((decision) => decision.isAdmitted)).toHaveLength(5);
    const refusal = decisions.find((decision) => !decision.isAdmitted);
    expect(refusal?.isAdmitted === false && refusal.refusal).toMatchObject({
      retryAfterMs: 12_000,
      isRequestTooLarge: false,
      window: { kind: 'requests_per_minute', scope: 'owner', limit: 5, remaining: 0, requested: 1 },
    });
  });

  it('API-5 a refusal takes nothing from any window (all-or-nothing across key and owner windows)', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [
      { scope: 'key', id: 'key_a', limits: limits({ requestsPerMinute: 100, tokensPerMinute: 10_000 }) },
      { scope: 'owner', id: 'user:u1', limits: limits({ requestsPerMinute: 100, tokensPerMinute: 1_000 }) },
    ];
    const first = admitted(await limiter.reserve({ subjects, tokenCost: 900 }));
    expect(remaining(first, 'key', 'tokens_per_minute')).toBe(9_100);
    expect(remaining(first, 'owner', 'requests_per_minute')).toBe(99);

    const refused = await limiter.reserve({ subjects, tokenCost: 200 });
    expect(refused.isAdmitted).toBe(false);
    if (refused.isAdmitted) return;
    expect(refused.refusal.window).toMatchObject({ scope: 'owner', kind: 'tokens_per_minute', remaining: 100, requested: 200 });
    // The key's windows, which had room, were not charged for the refused request.
    expect(refused.refusal.windows.find((window) => window.scope === 'key' && window.kind === 'tokens_per_minute')?.remaining).toBe(9_100);
    expect(refused.refusal.windows.find((window) => window.scope === 'key' && window.kind === 'requests_per_minute')?.remaining).toBe(99);

    const next = admitted(await limiter.reserve({ subjects, tokenCost: 100 }));
    expect(remaining(next, 'key', 'requests_per_minute')).toBe(98);
    expect(remaining(next, 'owner', 'tokens_per_minute')).toBe(0);
  });

  it('API-5 settle returns the unused tokens at once; settling twice returns nothing more', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ tokensPerMinute: 1_000 }) }];
    const reservation = admitted(await limiter.reserve({ subjects, tokenCost: 800 }));
    expect((await limiter.reserve({ subjects, tokenCost: 300 })).isAdmitted).toBe(false);

    await limiter.settle(reservation, 150);
    await limiter.settle(reservation, 0);
    await limiter.release(reservation);
    const after = admitted(await limiter.reserve({ subjects, tokenCost: 300 }));
    expect(remaining(after, 'owner', 'tokens_per_minute')).toBe(1_000 - 150 - 300);
  });

  it('API-5 settle charges tokens used beyond the reservation', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ tokensPerMinute: 1_000 }) }];
    await limiter.settle(admitted(await limiter.reserve({ subjects, tokenCost: 100 })), 700);
    expect(remaining(admitted(await limiter.reserve({ subjects, tokenCost: 0 })), 'owner', 'tokens_per_minute')).toBe(300);
  });

  it('API-5 the store settles a reservation once even when asked twice by different limiters', async () => {
    const { limiter, store, now } = setup();
    const other = new RateLimiter({ store, clock: () => new Date(now()) });
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ tokensPerMinute: 1_000 }) }];
    const reservation = admitted(await limiter.reserve({ subjects, tokenCost: 1_000 }));
    await limiter.settle(reservation, 0);
    await other.settle(reservation, 0);
    expect(remaining(admitted(await limiter.reserve({ subjects, tokenCost: 0 })), 'owner', 'tokens_per_minute')).toBe(1_000);
  });

  it('API-5 concurrency slots are held until settle or release, and refusals say when to retry', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ concurrentRequests: 2 }) }];
    const first = admitted(await limiter.reserve({ subjects, tokenCost: 10 }));
    const second = admitted(await limiter.reserve({ subjects, tokenCost: 10 }));
    expect(remaining(second, 'owner', 'concurrent_requests')).toBe(0);
    const refused = await limiter.reserve({ subjects, tokenCost: 10 });
    expect(refused.isAdmitted === false && refused.refusal).toMatchObject({ retryAfterMs: 1000, window: { kind: 'concurrent_requests' } });

    await limiter.release(first);
    const third = admitted(await limiter.reserve({ subjects, tokenCost: 10 }));
    expect((await limiter.reserve({ subjects, tokenCost: 10 })).isAdmitted).toBe(false);
    await limiter.settle(second, 5);
    await limiter.settle(third, 5);
    expect(remaining(admitted(await limiter.reserve({ subjects, tokenCost: 10 })), 'owner', 'concurrent_requests')).toBe(1);
  });

  it('API-5 a slot whose request never settles (a crashed node) is freed when its lease ends', async () => {
    const { limiter, advance } = setup({ leaseMs: 60_000 });
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ concurrentRequests: 1 }) }];
    admitted(await limiter.reserve({ subjects, tokenCost: 0 }));
    advance(59_999);
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(false);
    advance(1);
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);
  });

  it('API-5 of several refusing windows the one needing the longest wait is reported', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [
      { scope: 'key', id: 'key_a', limits: limits({ requestsPerMinute: 1, concurrentRequests: 1 }) },
      { scope: 'owner', id: 'user:u1', limits: limits({ requestsPerHour: 1 }) },
    ];
    admitted(await limiter.reserve({ subjects, tokenCost: 0 }));
    const refused = await limiter.reserve({ subjects, tokenCost: 0 });
    expect(refused.isAdmitted === false && refused.refusal).toMatchObject({ retryAfterMs: 3_600_000, window: { scope: 'owner', kind: 'requests_per_hour' } });
  });

  it('API-5 a request larger than a whole window is refused as too large, with no retry time', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ tokensPerMinute: 4_096, requestsPerMinute: 1 }) }];
    const decision = await limiter.reserve({ subjects, tokenCost: 5_000 });
    expect(decision.isAdmitted === false && decision.refusal).toMatchObject({ isRequestTooLarge: true, retryAfterMs: null, window: { requested: 5_000, limit: 4_096 } });
    await expect(limiter.admit({ subjects, tokenCost: 5_000 })).rejects.toMatchObject({ code: 'rate_limit_exceeded', isRetryable: false, retryAfterMs: null });
  });

  it('API-5 a key window is kept only where the key is stricter than its owner, since the owner counts all its requests', () => {
    const principal = { userId: 'u1', organizationId: null, apiKeyId: 'key_a', sessionId: null, scopes: { models: null, endpoints: null, rateLimits: null } };
    const owner = { ownerType: 'user', ownerId: 'u1' } as const;
    const plan = limits({ requestsPerMinute: 60, tokensPerMinute: 1_000, concurrentRequests: 4 });

    expect(rateLimitSubjectsFor(principal, owner, plan)).toEqual([{ scope: 'owner', id: 'user:u1', limits: plan }]);
    expect(rateLimitSubjectsFor(principal, owner, plan, limits({ requestsPerMinute: 10, tokensPerMinute: 5_000, requestsPerHour: 100 }))).toEqual([
      { scope: 'key', id: 'key_a', limits: limits({ requestsPerMinute: 10, requestsPerHour: 100 }) },
      { scope: 'owner', id: 'user:u1', limits: plan },
    ]);
    expect(rateLimitSubjectsFor({ ...principal, apiKeyId: null }, owner, plan)).toEqual([{ scope: 'owner', id: 'user:u1', limits: plan }]);
  });

  it('API-5 a key stricter than its owner is refused on its own window while the owner has room', async () => {
    const { limiter } = setup();
    const principal = { userId: 'u1', organizationId: null, apiKeyId: 'key_a', sessionId: null, scopes: { models: null, endpoints: null, rateLimits: null } };
    const subjects = rateLimitSubjectsFor(principal, { ownerType: 'user', ownerId: 'u1' }, limits({ requestsPerMinute: 10 }), limits({ requestsPerMinute: 2 }));
    await limiter.admit({ subjects, tokenCost: 0 });
    await limiter.admit({ subjects, tokenCost: 0 });
    const refused = await limiter.reserve({ subjects, tokenCost: 0 });
    expect(refused.isAdmitted === false && refused.refusal.window).toMatchObject({ scope: 'key', kind: 'requests_per_minute', limit: 2, remaining: 0 });
    expect(refused.isAdmitted === false && refused.refusal.windows.find((window) => window.scope === 'owner')?.remaining).toBe(8);
  });

  it('API-5 admit throws rate_limit_exceeded carrying Retry-After and x-ratelimit-* values', async () => {
    const { limiter } = setup();
    const subjects = rateLimitSubjectsFor(
      { userId: 'u1', organizationId: null, apiKeyId: 'key_a', sessionId: null, scopes: { models: null, endpoints: null, rateLimits: null } },
      { ownerType: 'user', ownerId: 'u1' },
      limits({ requestsPerMinute: 2, tokensPerMinute: 1_000 }),
    );
    await limiter.admit({ subjects, tokenCost: 100 });
    await limiter.admit({ subjects, tokenCost: 100 });
    const error = await limiter.admit({ subjects, tokenCost: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitExceededError);
    const rateLimitError = error as RateLimitExceededError;
    expect(rateLimitError.code).toBe('rate_limit_exceeded');
    expect(rateLimitError.isRetryable).toBe(true);
    expect(rateLimitError.retryAfterMs).toBe(30_000);
    // The key has the plan's limits, so the owner's window is the one that decides (the key adds no window).
    expect(rateLimitError.message).toBe('Rate limit reached on this account on requests per min (RPM): Limit 2, Used 2, Requested 1. Please try again in 30s.');
    expect(rateLimitError.headers).toEqual({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1m0s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '800',
      'x-ratelimit-reset-tokens': '12s',
      'retry-after': '30',
      'retry-after-ms': '30000',
    });
  });

  it('API-5 owners and keys are counted separately: another owner is not affected', async () => {
    const { limiter } = setup();
    const owner = (id: string): RateLimitSubject[] => [{ scope: 'owner', id, limits: limits({ requestsPerMinute: 1 }) }];
    admitted(await limiter.reserve({ subjects: owner('user:a'), tokenCost: 0 }));
    expect((await limiter.reserve({ subjects: owner('user:a'), tokenCost: 0 })).isAdmitted).toBe(false);
    expect((await limiter.reserve({ subjects: owner('user:b'), tokenCost: 0 })).isAdmitted).toBe(true);
  });

  it('API-5 with no limits at all the store is not consulted', async () => {
    const failing: RateLimitStore = {
      reserve: () => Promise.reject(new Error('must not be called')),
      settle: () => Promise.reject(new Error('must not be called')),
      ping: () => Promise.resolve(),
    };
    const limiter = new RateLimiter({ store: failing, clock: () => new Date(startMs) });
    const reservation = admitted(await limiter.reserve({ subjects: [{ scope: 'owner', id: 'user:u1', limits: unlimitedRateLimits }], tokenCost: 10 }));
    expect(reservation.windows).toEqual([]);
    await limiter.settle(reservation, 10);
  });

  it('API-5 costs and limits that would break the exact arithmetic are refused', async () => {
    const { limiter } = setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ requestsPerMinute: 5 }) }];
    await expect(limiter.reserve({ subjects, tokenCost: -1 })).rejects.toMatchObject({ code: 'invalid_request_error', param: 'tokenCost' });
    await expect(limiter.reserve({ subjects, tokenCost: 1.5 })).rejects.toMatchObject({ param: 'tokenCost' });
    const huge: RateLimitSubject[] = [{ scope: 'owner', id: 'user:u1', limits: limits({ tokensPerMinute: 2_000_000_000 }) }];
    await expect(limiter.reserve({ subjects: huge, tokenCost: 1 })).rejects.toThrow(RangeError);
  });

  it('API-5 a settle failure is logged, never thrown into the request', async () => {
    const warnings: string[] = [];
    const store = new InMemoryRateLimitStore();
    const flaky: RateLimitStore = { reserve: (request) => store.reserve(request), settle: () => Promise.reject(new Error('down')), ping: () => store.ping() };
    const limiter = new RateLimiter({
      store: flaky,
      clock: () => new Date(startMs),
      logger: { info: () => {}, error: () => {}, warn: (_fields, message) => warnings.push(message) },
    });
    const reservation = admitted(await limiter.reserve({ subjects: [{ scope: 'owner', id: 'user:u1', limits: limits({ concurrentRequests: 1 }) }], tokenCost: 0 }));
    await expect(limiter.settle(reservation, 0)).resolves.toBeUndefined();
    expect(warnings).toEqual(['rate-limit reservation could not be settled']);
  });

  it('API-5 claimHeadroom: yes only after a recent answer left at least half of every window after the cost', async () => {
    const { limiter, advance } = setup();
    const subjects: RateLimitSubject[] = [
      { scope: 'key', id: 'key_h', limits: limits({ requestsPerMinute: 10, tokensPerMinute: 1_000 }) },
      { scope: 'owner', id: 'user:h', limits: limits({ requestsPerMinute: 100 }) },
    ];
    // Nothing heard yet: the caller must wait for the store.
    expect(limiter.claimHeadroom({ subjects, tokenCost: 10 })).toBe(false);
    admitted(await limiter.reserve({ subjects, tokenCost: 10 }));
    // The key has 9 of 10 requests and 990 of 1,000 tokens left: too many tokens would leave under half.
    expect(limiter.claimHeadroom({ subjects, tokenCost: 600 })).toBe(false);
    // Each yes counts against what was heard: 9 → 8 → 7 → 6 → 5 requests left, then one more would leave 4.
    const claims = Array.from({ length: 6 }, () => limiter.claimHeadroom({ subjects, tokenCost: 10 }));
    expect(claims).toEqual([true, true, true, true, false, false]);
    // The store's next answer replaces what was counted locally.
    admitted(await limiter.reserve({ subjects, tokenCost: 10 }));
    expect(limiter.claimHeadroom({ subjects, tokenCost: 10 })).toBe(true);
    // A refusal is remembered as well.
    const other: RateLimitSubject[] = [{ scope: 'owner', id: 'user:h2', limits: limits({ requestsPerMinute: 2 }) }];
    admitted(await limiter.reserve({ subjects: other, tokenCost: 0 }));
    admitted(await limiter.reserve({ subjects: other, tokenCost: 0 }));
    expect((await limiter.reserve({ subjects: other, tokenCost: 0 })).isAdmitted).toBe(false);
    expect(limiter.claimHeadroom({ subjects: other, tokenCost: 0 })).toBe(false);
    // What was heard goes stale after a second.
    const fresh: RateLimitSubject[] = [{ scope: 'owner', id: 'user:h3', limits: limits({ requestsPerMinute: 100 }) }];
    admitted(await limiter.reserve({ subjects: fresh, tokenCost: 0 }));
    advance(1_001);
    expect(limiter.claimHeadroom({ subjects: fresh, tokenCost: 0 })).toBe(false);
    // A plan change (another limit for the same window) is not judged by the old answer.
    admitted(await limiter.reserve({ subjects: fresh, tokenCost: 0 }));
    expect(limiter.claimHeadroom({ subjects: [{ ...fresh[0]!, limits: limits({ requestsPerMinute: 200 }) }], tokenCost: 0 })).toBe(false);
    expect(limiter.claimHeadroom({ subjects: fresh, tokenCost: 0 })).toBe(true);
  });
});
