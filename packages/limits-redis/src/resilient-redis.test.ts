import { InMemoryRateLimitStore, RateLimiter, ResilientRateLimitStore, unlimitedRateLimits, type RateLimitFailurePolicy, type RateLimitStoreStateChange } from '@charter/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServerProcess } from '@charter/testing';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ResilientRateLimitStore over a Redis this test starts and stops', () => {
  let server: RedisServerProcess | undefined;
  let redis: Redis | undefined;
  let resilient: ResilientRateLimitStore | undefined;
  afterEach(async () => {
    resilient?.close();
    redis?.disconnect();
    await server?.stop();
    [server, redis, resilient] = [undefined, undefined, undefined];
  });

  async function setup(policy: RateLimitFailurePolicy) {
    const port = await freePort();
    server = await startRedisServer(port);
    // What production uses: commands fail at once while disconnected; reconnects keep being attempted.
    redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    redis.on('error', () => {});
    await waitFor(() => redis?.status === 'ready', 5_000);
    const changes: RateLimitStoreStateChange[] = [];
    resilient = new ResilientRateLimitStore({
      primary: new RedisRateLimitStore({ redis }),
      fallback: new InMemoryRateLimitStore(),
      policy,
      commandTimeoutMs: 50,
      probeIntervalMs: 100,
      onStateChange: (change) => changes.push(change),
    });
    const limiter = new RateLimiter({ store: resilient, clock: () => new Date() });
    return { port, limiter, changes, store: resilient };
  }

  const subjects = [{ scope: 'owner' as const, id: 'user:failsafe', limits: { ...unlimitedRateLimits, requestsPerMinute: 3 } }];

  it('API-5 fail_closed: Redis stops → 503 service_unavailable and state degraded; Redis returns → recovers by itself', async () => {
    const { port, limiter, changes, store } = await setup('fail_closed');
    expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);
    expect(store.state).toBe('redis');

    await server!.stop();
    await expect(limiter.reserve({ subjects, tokenCost: 0 })).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(store.state).toBe('degraded');
    await expect(limiter.reserve({ subjects, tokenCost: 0 })).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(changes.map((change) => [change.state, change.policy])).toEqual([['degraded', 'fail_closed']]);

    server = await startRedisServer(port);
    await waitFor(() => store.state === 'redis', 10_000);
    expect(changes.map((change) => change.state)).toEqual(['degraded', 'redis']);
    // Shared limits again, on the restarted (empty) Redis.
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.reserve({ subjects, tokenCost: 0 })));
    expect(decisions.filter((decision) => decision.isAdmitted)).toHaveLength(3);
  });

  it('API-5 fail_open_local: Redis stops → served under local limits and reported degraded; Redis returns → shared again', async () => {
    const { port, limiter, changes, store } = await setup('fail_open_local');
    await server!.stop();
    const whileDown = await Promise.all(Array.from({ length: 10 }, () => limiter.reserve({ subjects, tokenCost: 0 })));
    expect(whileDown.filter((decision) => decision.isAdmitted)).toHaveLength(3);
    expect(store.state).toBe('degraded');
    expect(changes).toEqual([{ state: 'degraded', policy: 'fail_open_local', error: expect.any(Error) }]);
    for (const decision of whileDown) if (decision.isAdmitted) await limiter.settle(decision.reservation, 0);

    server = await startRedisServer(port);
    await waitFor(() => store.state === 'redis', 10_000);
    expect(changes.map((change) => change.state)).toEqual(['degraded', 'redis']);
    const afterRecovery = await limiter.reserve({ subjects, tokenCost: 0 });
    expect(afterRecovery.isAdmitted && afterRecovery.reservation.storeTag).toBeNull();
    expect(await redis!.keys('charter:rl:*')).not.toEqual([]);
  });

  it('API-5 a stalled Redis costs a request at most the command timeout, and the late reservation is released', async () => {
    const { limiter, store } = await setup('fail_open_local');
    const slot = [{ scope: 'owner' as const, id: 'user:stall', limits: { ...unlimitedRateLimits, concurrentRequests: 1 } }];
    server!.pause();
    const startedAt = performance.now();
    const local = await limiter.reserve({ subjects: slot, tokenCost: 0 });
    expect(performance.now() - startedAt).toBeLessThan(250);
    expect(local.isAdmitted && local.reservation.storeTag).toBe('resilient:local');
    expect(store.state).toBe('degraded');

    server!.resume();
    await waitFor(() => store.state === 'redis', 10_000);
    // The reserve that timed out ran on Redis once it woke up, and was released right after: the slot is free.
    const shared = await limiter.reserve({ subjects: slot, tokenCost: 0 });
    expect(shared.isAdmitted && shared.reservation.storeTag).toBeNull();
  });
});
