import { describe, expect, it } from 'vitest';
import { InMemoryRateLimitStore } from './in-memory-rate-limit-store.js';
import type { RateLimitStore, RateLimitStoreReserveRequest, RateLimitStoreSettleRequest } from './rate-limit-store.js';
import { RateLimiter } from './rate-limiter.js';
import { unlimitedRateLimits } from './rate-limits.js';
import { ResilientRateLimitStore, type RateLimitStoreStateChange } from './resilient-rate-limit-store.js';

/** Stands in for Redis: a working store that can be made to fail fast or to hang. */
class SwitchableStore implements RateLimitStore {
  mode: 'up' | 'failing' | 'hanging' = 'up';
  readonly inner = new InMemoryRateLimitStore();
  readonly settled: string[] = [];

  reserve(request: RateLimitStoreReserveRequest) {
    return this.#gate().then(() => this.inner.reserve(request));
  }
  settle(request: RateLimitStoreSettleRequest) {
    return this.#gate().then(() => {
      this.settled.push(request.reservationId);
      return this.inner.settle(request);
    });
  }
  ping() {
    return this.#gate();
  }
  #gate(): Promise<void> {
    if (this.mode === 'failing') return Promise.reject(new Error('ECONNREFUSED'));
    if (this.mode === 'hanging') return new Promise(() => {});
    return Promise.resolve();
  }
}

const subjects = [{ scope: 'owner' as const, id: 'user:u1', limits: { ...unlimitedRateLimits, requestsPerMinute: 2, concurrentRequests: 5 } }];

function setup(policy: 'fail_closed' | 'fail_open_local') {
  const primary = new SwitchableStore();
  const changes: RateLimitStoreStateChange[] = [];
  const store = new ResilientRateLimitStore({
    primary,
    fallback: new InMemoryRateLimitStore(),
    policy,
    commandTimeoutMs: 20,
    probeIntervalMs: 10,
    onStateChange: (change) => changes.push(change),
  });
  const limiter = new RateLimiter({ store, clock: () => new Date() });
  return { primary, store, changes, limiter };
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ResilientRateLimitStore', () => {
  it('API-5 fail_closed: an unreachable store refuses with service_unavailable, reports degraded, and recovers by itself', async () => {
    const { primary, store, changes, limiter } = setup('fail_closed');
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);

    primary.mode = 'failing';
    await expect(limiter.reserve({ subjects, tokenCost: 0 })).rejects.toMatchObject({ code: 'service_unavailable', isRetryable: true });
    expect(store.state).toBe('degraded');
    expect(changes).toEqual([{ state: 'degraded', policy: 'fail_closed', error: expect.any(Error) }]);
    // While degraded, requests do not wait on the dead store.
    const startedAt = Date.now();
    await expect(limiter.reserve({ subjects, tokenCost: 0 })).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(Date.now() - startedAt).toBeLessThan(20);

    primary.mode = 'up';
    await waitFor(() => store.state === 'redis');
    expect(changes.map((change) => change.state)).toEqual(['degraded', 'redis']);
    // Back on the primary, whose count survived the outage.
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(false);
    store.close();
  });

  it('API-5 fail_open_local: requests keep being served under the same limits counted locally, settled locally', async () => {
    const { primary, store, limiter } = setup('fail_open_local');
    primary.mode = 'failing';
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.reserve({ subjects, tokenCost: 0 })));
    expect(store.state).toBe('degraded');
    const admitted = decisions.flatMap((decision) => (decision.isAdmitted ? [decision.reservation] : []));
    expect(admitted).toHaveLength(2);
    expect(admitted.every((reservation) => reservation.storeTag === 'resilient:local')).toBe(true);

    primary.mode = 'up';
    await waitFor(() => store.state === 'redis');
    // Reservations made locally are settled locally, not sent to the primary.
    await limiter.settle(admitted[0]!, 0);
    expect(primary.settled).toEqual([]);
    store.close();
  });

  it('API-5 a store slower than the command timeout counts as down, and the late reservation is released', async () => {
    const { primary, store, limiter } = setup('fail_open_local');
    primary.mode = 'hanging';
    const startedAt = Date.now();
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(200);
    expect(store.state).toBe('degraded');
    store.close();
  });

  it('API-5 a failing settle degrades the store and is reported to the limiter, which logs it', async () => {
    const { primary, store, limiter } = setup('fail_closed');
    const decision = await limiter.reserve({ subjects, tokenCost: 0 });
    primary.mode = 'failing';
    if (decision.isAdmitted) await limiter.settle(decision.reservation, 0);
    expect(store.state).toBe('degraded');
    store.close();
  });
});
