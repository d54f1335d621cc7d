// One "server node" of the cross-process exactness test: opens its own Redis connections and fires its share of
// the burst in rounds. Before each round every worker meets at a barrier, so the rounds of all workers interleave
// however the operating system schedules them; it prints how many were admitted, per round, as JSON.
//   node --import tsx burst-worker.ts '<json BurstWorkerInput>'
import { RateLimiter, systemClock, type RateLimitSubject } from '@charter/core';
import { Redis } from 'ioredis';
import { RedisRateLimitStore } from '../redis-rate-limit-store.js';

export interface BurstWorkerInput {
  redisUrl: string;
  keyPrefix: string;
  /** How many workers meet at each round's barrier (Redis keys under `keyPrefix`) before any of them fires. */
  workerCount: number;
  attempts: number;
  /** Reservations a worker fires at once per round. */
  roundSize: number;
  connections: number;
  subjects: RateLimitSubject[];
  tokenCost: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as BurstWorkerInput;
const clients = Array.from({ length: input.connections }, () => new Redis(input.redisUrl, { enableOfflineQueue: true }));
await Promise.all(clients.map((client) => client.ping()));
const limiters = clients.map((redis) => new RateLimiter({ store: new RedisRateLimitStore({ redis, keyPrefix: input.keyPrefix }), clock: systemClock }));
// A barrier: the last worker to arrive lets everyone go, so no worker's round depends on how fast it got there.
async function barrier(name: string): Promise<void> {
  const redis = clients[0]!;
  if ((await redis.incr(`${input.keyPrefix}barrier:${name}:ready`)) === input.workerCount) {
    await redis.rpush(`${input.keyPrefix}barrier:${name}:go`, ...Array.from({ length: input.workerCount }, () => 'go'));
  }
  if ((await redis.blpop(`${input.keyPrefix}barrier:${name}:go`, 60)) === null) throw new Error('the other workers never reached the barrier');
}

const admittedPerRound: number[] = [];
for (let fired = 0, round = 0; fired < input.attempts; fired += input.roundSize, round++) {
  await barrier(String(round));
  const size = Math.min(input.roundSize, input.attempts - fired);
  const decisions = await Promise.all(
    Array.from({ length: size }, (_, index) => limiters[index % limiters.length]!.reserve({ subjects: input.subjects, tokenCost: input.tokenCost })),
  );
  admittedPerRound.push(decisions.filter((decision) => decision.isAdmitted).length);
}
const admitted = admittedPerRound.reduce((sum, count) => sum + count, 0);
process.stdout.write(JSON.stringify({ admitted, refused: input.attempts - admitted, admittedPerRound, pid: process.pid }));
await Promise.all(clients.map((client) => client.quit()));
