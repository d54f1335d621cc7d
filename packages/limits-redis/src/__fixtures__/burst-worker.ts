// One "server node" of the cross-process exactness test: opens its own Redis connections, waits at a barrier
// until every worker is connected, fires its share of the burst at once, and prints how many were admitted as JSON.
//   node --import tsx burst-worker.ts '<json BurstWorkerInput>'
import { RateLimiter, systemClock, type RateLimitSubject } from '@charter/core';
import { Redis } from 'ioredis';
import { RedisRateLimitStore } from '../redis-rate-limit-store.js';

export interface BurstWorkerInput {
  redisUrl: string;
  keyPrefix: string;
  /** How many workers meet at the barrier (a Redis key under `keyPrefix`) before any of them fires. */
  workerCount: number;
  attempts: number;
  connections: number;
  subjects: RateLimitSubject[];
  tokenCost: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as BurstWorkerInput;
const clients = Array.from({ length: input.connections }, () => new Redis(input.redisUrl, { enableOfflineQueue: true }));
await Promise.all(clients.map((client) => client.ping()));
const limiters = clients.map((redis) => new RateLimiter({ store: new RedisRateLimitStore({ redis, keyPrefix: input.keyPrefix }), clock: systemClock }));
// The barrier: the last worker to arrive lets everyone go, so no worker's burst depends on how fast it started.
const barrier = clients[0]!;
if ((await barrier.incr(`${input.keyPrefix}barrier:ready`)) === input.workerCount) {
  await barrier.rpush(`${input.keyPrefix}barrier:go`, ...Array.from({ length: input.workerCount }, () => 'go'));
}
if ((await barrier.blpop(`${input.keyPrefix}barrier:go`, 60)) === null) throw new Error('the other workers never reached the barrier');
const firedAtMs = Date.now();
const decisions = await Promise.all(
  Array.from({ length: input.attempts }, (_, index) => limiters[index % limiters.length]!.reserve({ subjects: input.subjects, tokenCost: input.tokenCost })),
);
const admitted = decisions.filter((decision) => decision.isAdmitted).length;
process.stdout.write(JSON.stringify({ admitted, refused: decisions.length - admitted, pid: process.pid, firedAtMs, finishedAtMs: Date.now() }));
await Promise.all(clients.map((client) => client.quit()));
