import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  InMemoryRateLimitStore,
  RateLimiter,
  unlimitedRateLimits,
  type RateLimitDecision,
  type RateLimitStore,
  type RateLimitSubject,
  type RateLimits,
  type Reservation,
} from '@charter/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BurstWorkerInput } from './__fixtures__/burst-worker.js';
import { reserveScript } from './rate-limit-scripts.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

const runFile = promisify(execFile);
const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const burstWorker = fileURLToPath(new URL('./__fixtures__/burst-worker.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

function limits(fields: Partial<RateLimits>): RateLimits {
  return { ...unlimitedRateLimits, ...fields };
}

function owner(id: string, fields: Partial<RateLimits>): RateLimitSubject {
  return { scope: 'owner', id, limits: limits(fields) };
}

/** Strip the random parts so decisions of two stores can be compared. */
function comparable(decision: RateLimitDecision) {
  if (!decision.isAdmitted) return { refused: decision.refusal };
  const { id: _id, storeTag: _storeTag, ...rest } = decision.reservation;
  return { admitted: rest };
}

describe('RedisRateLimitStore against the Redis at ' + redisUrl, () => {
  const clients: Redis[] = [];
  let keyPrefix: string;

  function client(): Redis {
    const redis = new Redis(redisUrl);
    clients.push(redis);
    return redis;
  }

  function limiterOn(redis: Redis, options: { clock?: 'redis' | 'caller'; nowMs?: () => number } = {}): RateLimiter {
    const store = new RedisRateLimitStore({ redis, keyPrefix, clock: options.clock ?? 'redis' });
    return new RateLimiter({ store, clock: () => new Date(options.nowMs?.() ?? Date.now()) });
  }

  beforeAll(async () => {
    // Fails (never skips) when Redis is missing.
    await client().ping();
  });
  afterEach(async () => {
    const redis = clients[0]!;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((redis) => redis.quit()));
  });
  // A fresh key space per test.
  const fresh = () => (keyPrefix = `charter-test:${randomBytes(6).toString('hex')}:`);

  it('API-5 decides exactly like the in-memory store, step by step, on the same clock', async () => {
    fresh();
    let nowMs = Date.UTC(2025, 0, 15, 12);
    const clock = () => new Date(nowMs);
    const stores: RateLimitStore[] = [new InMemoryRateLimitStore(), new RedisRateLimitStore({ redis: client(), keyPrefix, clock: 'caller' })];
    const limiters = stores.map((store) => new RateLimiter({ store, clock, leaseMs: 30_000 }));
    const subjects: RateLimitSubject[] = [
      { scope: 'key', id: 'key_a', limits: limits({ requestsPerMinute: 7, tokensPerMinute: 9_973, concurrentRequests: 3 }) },
      owner('user:u1', { requestsPerMinute: 11, requestsPerHour: 23, tokensPerMinute: 20_000, concurrentRequests: 4 }),
    ];
    const held: Reservation[][] = [[], []];
    const steps: string[] = [];
    for (let step = 0; step < 120; step++) {
      const tokenCost = (step * 7919) % 4_000;
      const decisions = await Promise.all(limiters.map((limiter) => limiter.reserve({ subjects, tokenCost })));
      expect(comparable(decisions[1]!), `step ${step}`).toEqual(comparable(decisions[0]!));
      steps.push(decisions[0]!.isAdmitted ? 'a' : decisions[0]!.refusal.window.kind[0]!);
      decisions.forEach((decision, index) => decision.isAdmitted && held[index]!.push(decision.reservation));
      // Settle some, release some, keep some running (concurrency), and let time pass unevenly.
      if (step % 3 === 0) await Promise.all(held.map((list, index) => list.length > 0 && limiters[index]!.settle(list.shift()!, tokenCost % 1_000)));
      if (step % 5 === 0) await Promise.all(held.map((list, index) => list.length > 0 && limiters[index]!.release(list.pop()!)));
      nowMs += (step * 3_571) % 9_000;
    }
    // The scenario exercised admissions and refusals by several windows.
    expect(new Set(steps).size).toBeGreaterThanOrEqual(3);
  });

  it('API-5 a burst of 10× the limit from 5 connections admits exactly the limit', async () => {
    fresh();
    const limiters = Array.from({ length: 5 }, () => limiterOn(client()));
    const subjects = [owner('user:burst', { requestsPerMinute: 20, requestsPerHour: 1_000 })];
    const decisions = await Promise.all(Array.from({ length: 250 }, (_, index) => limiters[index % 5]!.reserve({ subjects, tokenCost: 0 })));
    expect(decisions.filter((decision) => decision.isAdmitted)).toHaveLength(20);
  });

  it('API-5 token and concurrency limits are exact under a concurrent burst too', async () => {
    fresh();
    const limiters = Array.from({ length: 4 }, () => limiterOn(client()));
    const tokens = [owner('user:tokens', { tokensPerMinute: 10_000 })];
    const byTokens = await Promise.all(Array.from({ length: 200 }, (_, index) => limiters[index % 4]!.reserve({ subjects: tokens, tokenCost: 700 })));
    expect(byTokens.filter((decision) => decision.isAdmitted)).toHaveLength(14);

    const slots = [owner('user:slots', { concurrentRequests: 7 })];
    const first = await Promise.all(Array.from({ length: 100 }, (_, index) => limiters[index % 4]!.reserve({ subjects: slots, tokenCost: 1 })));
    const running = first.flatMap((decision) => (decision.isAdmitted ? [decision.reservation] : []));
    expect(running).toHaveLength(7);
    // Released on one node, reusable from every node.
    await Promise.all(running.map((reservation, index) => limiters[(index + 1) % 4]!.release(reservation)));
    const second = await Promise.all(Array.from({ length: 100 }, (_, index) => limiters[index % 4]!.reserve({ subjects: slots, tokenCost: 1 })));
    expect(second.filter((decision) => decision.isAdmitted)).toHaveLength(7);
  });

  it('API-5 three separate processes firing 10× the limit in interleaved rounds admit exactly the limit', async () => {
    fresh();
    const limit = 25;
    const roundSize = 10;
    const input: Omit<BurstWorkerInput, 'attempts'> = {
      redisUrl,
      keyPrefix,
      workerCount: 3,
      connections: 3,
      roundSize,
      // An hourly limit: a slow machine cannot let the window refill during the test. The key's own hourly limit
      // is never reached; it makes every reservation span two subjects' windows.
      subjects: [{ scope: 'key', id: 'key_shared', limits: limits({ requestsPerHour: 1_000 }) }, owner('organization:org_burst', { requestsPerHour: limit })],
      tokenCost: 10,
    };
    const outputs = await Promise.all(
      [100, 100, 100].map((attempts) =>
        runFile(process.execPath, ['--import', 'tsx', burstWorker, JSON.stringify({ ...input, attempts })], { cwd: repositoryRoot, timeout: 60_000 }),
      ),
    );
    const results = outputs.map((output) => JSON.parse(output.stdout) as { admitted: number; refused: number; admittedPerRound: number[]; pid: number });
    expect(new Set(results.map((result) => result.pid)).size).toBe(3);
    expect(results.reduce((sum, result) => sum + result.admitted + result.refused, 0)).toBe(300);
    expect(results.reduce((sum, result) => sum + result.admitted, 0)).toBe(limit);
    // The limit went in the first round (30 attempts for 25 places), which no two processes could fill alone
    // (10 each): every process was admitted some, so the three really counted in the same windows.
    expect(results.reduce((sum, result) => sum + result.admittedPerRound[0]!, 0)).toBe(limit);
    for (const result of results) expect(result.admittedPerRound[0]).toBeGreaterThanOrEqual(limit - 2 * roundSize);
  });

  it("API-5 nodes with skewed clocks share Redis's clock, so the limit stays exact", async () => {
    fresh();
    const hourMs = 3_600_000;
    const skewed = [0, hourMs, -hourMs].map((offsetMs) => limiterOn(client(), { nowMs: () => Date.now() + offsetMs }));
    const subjects = [owner('user:skew', { requestsPerMinute: 5 })];
    const decisions = await Promise.all(Array.from({ length: 60 }, (_, index) => skewed[index % 3]!.reserve({ subjects, tokenCost: 0 })));
    expect(decisions.filter((decision) => decision.isAdmitted)).toHaveLength(5);
    const serverTime = await clients[0]!.time();
    const serverNowMs = Number(serverTime[0]) * 1000 + Math.floor(Number(serverTime[1]) / 1000);
    const admitted = decisions.find((decision) => decision.isAdmitted);
    expect(admitted?.isAdmitted && Math.abs(admitted.reservation.decidedAtMs - serverNowMs)).toBeLessThan(5_000);
  });

  it('API-5 settle returns tokens once, from any node, and frees the slot', async () => {
    fresh();
    const [nodeA, nodeB] = [limiterOn(client()), limiterOn(client())];
    const subjects = [owner('user:settle', { tokensPerMinute: 1_000, concurrentRequests: 1 })];
    const decision = await nodeA!.reserve({ subjects, tokenCost: 900 });
    const reservation = decision.isAdmitted ? decision.reservation : expect.unreachable();
    await nodeA!.settle(reservation, 100);
    // Another node (or a retry) settling the same reservation changes nothing.
    await nodeB!.settle(reservation, 0);
    await nodeB!.release(reservation);
    const next = await nodeB!.reserve({ subjects, tokenCost: 0 });
    expect(next.isAdmitted && next.reservation.windows.find((window) => window.kind === 'tokens_per_minute')?.remaining).toBeGreaterThanOrEqual(899);
    expect(next.isAdmitted && next.reservation.windows.find((window) => window.kind === 'tokens_per_minute')?.remaining).toBeLessThanOrEqual(900);
  });

  it('API-5 a queued settlement goes out ahead of the next reservation, so the node never sees its own slot still held', async () => {
    fresh();
    const redis = client();
    // A delay far longer than the test: only the next reservation can carry the settlement.
    const store = new RedisRateLimitStore({ redis, keyPrefix, settleDelayMs: 60_000 });
    const limiter = new RateLimiter({ store, clock: () => new Date() });
    const subjects = [owner('user:queued', { concurrentRequests: 1 })];
    for (let request = 0; request < 5; request++) {
      const decision = await limiter.reserve({ subjects, tokenCost: 0 });
      expect(decision.isAdmitted).toBe(true);
      if (decision.isAdmitted) void limiter.settle(decision.reservation, 0);
    }
    // The last settlement is still queued: another node sees the slot taken until it is flushed.
    const other = limiterOn(client());
    expect((await other.reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(false);
    await store.flushSettlements();
    const after = await other.reserve({ subjects, tokenCost: 0 });
    expect(after.isAdmitted).toBe(true);
    if (after.isAdmitted) await other.settle(after.reservation, 0);
  });

  it('API-5 with a settle delay, a settlement no reservation carries is sent on its own once the delay is over', async () => {
    fresh();
    // The server's setting: settlements wait up to 25 ms for the owner's next reservation.
    const store = new RedisRateLimitStore({ redis: client(), keyPrefix, settleDelayMs: 25 });
    const limiter = new RateLimiter({ store, clock: () => new Date() });
    const subjects = [owner('user:delayed', { concurrentRequests: 1 })];
    const decision = await limiter.reserve({ subjects, tokenCost: 0 });
    if (!decision.isAdmitted) throw new Error('the first request must be admitted');
    const startedAtMs = performance.now();
    await limiter.settle(decision.reservation, 0);
    // Resolved once Redis applied it: not before the delay, and without any other call to carry it.
    expect(performance.now() - startedAtMs).toBeGreaterThanOrEqual(20);
    const other = limiterOn(client());
    const after = await other.reserve({ subjects, tokenCost: 0 });
    expect(after.isAdmitted).toBe(true);
    if (after.isAdmitted) await other.settle(after.reservation, 0);
  });

  it('API-5 by default a settlement is sent on its own at the next turn of the event loop', async () => {
    fresh();
    const store = new RedisRateLimitStore({ redis: client(), keyPrefix });
    const limiter = new RateLimiter({ store, clock: () => new Date() });
    const subjects = [owner('user:alone', { concurrentRequests: 1 })];
    const decision = await limiter.reserve({ subjects, tokenCost: 0 });
    const startedAtMs = performance.now();
    if (decision.isAdmitted) await limiter.settle(decision.reservation, 0);
    expect(performance.now() - startedAtMs).toBeLessThan(1_000);
    expect((await limiterOn(client()).reserve({ subjects, tokenCost: 0 })).isAdmitted).toBe(true);
  });

  it('API-5 scripts survive SCRIPT FLUSH (EVALSHA falls back to EVAL) and every key carries a TTL', async () => {
    fresh();
    const redis = client();
    const limiter = limiterOn(redis);
    const subjects: RateLimitSubject[] = [
      { scope: 'key', id: 'key_ttl', limits: limits({ requestsPerMinute: 10, concurrentRequests: 2 }) },
      owner('user:ttl', { requestsPerHour: 100, tokensPerMinute: 5_000 }),
    ];
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', reserveScript.sha)).toEqual([0]);
    const decision = await limiter.reserve({ subjects, tokenCost: 50 });
    expect(decision.isAdmitted).toBe(true);
    expect(await redis.script('EXISTS', reserveScript.sha)).toEqual([1]);

    const keys = await redis.keys(`${keyPrefix}*`);
    // rpm, conc and the marker for the key's partition; rph and tpm for the owner — all under the owner's hash tag.
    expect(keys).toHaveLength(5);
    expect(keys.every((key) => key.startsWith(`${keyPrefix}{user:ttl}:`))).toBe(true);
    for (const key of keys) expect(await redis.pttl(key), key).toBeGreaterThan(0);
    if (decision.isAdmitted) await limiter.settle(decision.reservation, 50);
    // The marker and the now empty lease set are gone; rate windows drain and expire by themselves.
    expect((await redis.keys(`${keyPrefix}*`)).sort()).toEqual(
      [`${keyPrefix}{user:ttl}:key:key_ttl:rpm`, `${keyPrefix}{user:ttl}:owner:user:ttl:rph`, `${keyPrefix}{user:ttl}:owner:user:ttl:tpm`].sort(),
    );
  });
});
