import { RateLimiter, unlimitedRateLimits, type RateLimitSubject } from '@charter/core';
import { freePort, startRedisServer, type RedisServerProcess } from '@charter/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/** Read events Redis has processed so far (each INFO call adds one). */
async function readsProcessed(redis: Redis): Promise<number> {
  const match = /total_reads_processed:(\d+)/.exec(await redis.info('stats'));
  if (!match) throw new Error('This Redis does not report total_reads_processed.');
  return Number(match[1]);
}

describe('RedisRateLimitStore write coalescing (a Redis of its own, so its counters are this test’s)', () => {
  let server: RedisServerProcess | undefined;
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await server?.stop();
    server = undefined;
  });

  async function setup() {
    server = await startRedisServer(await freePort());
    const redis = new Redis(server.url);
    const observer = new Redis(server.url);
    clients.push(redis, observer);
    const store = new RedisRateLimitStore({ redis });
    await store.load();
    return { observer, limiter: new RateLimiter({ store, clock: () => new Date() }) };
  }

  it('API-5 scripts sent while others await replies leave together, and the limit stays exact', async () => {
    const { observer, limiter } = await setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:coalesce', limits: { ...unlimitedRateLimits, requestsPerMinute: 40, tokensPerMinute: 100_000, concurrentRequests: 1_000 } }];
    const before = await readsProcessed(observer);
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.reserve({ subjects, tokenCost: 10 })));
    const reads = (await readsProcessed(observer)) - before - 1;
    expect(decisions.filter((decision) => decision.isAdmitted)).toHaveLength(40);
    // One write for the first script, one for the 99 sent while it was in flight (~35 KB): Redis reads that in
    // its 16 KB buffers, 4 reads in all. Written one by one, Redis needed 18 reads for them on our machine.
    expect(reads).toBeLessThanOrEqual(6);
  });

  it('API-5 a script sent when nothing is in flight goes out at once', async () => {
    const { observer, limiter } = await setup();
    const subjects: RateLimitSubject[] = [{ scope: 'owner', id: 'user:alone', limits: { ...unlimitedRateLimits, requestsPerMinute: 100 } }];
    const before = await readsProcessed(observer);
    for (let index = 0; index < 5; index++) expect((await limiter.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);
    expect((await readsProcessed(observer)) - before - 1).toBe(5);
  });
});
