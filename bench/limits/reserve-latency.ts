// Latency of one rate-limit admission (reserve, then settle) as a request pays it, one at a time.
//
//   npx tsx bench/limits/reserve-latency.ts [--count 20000] [--redis redis://127.0.0.1:6379]
//
// Measures, in this order: the in-memory store (embedded mode), RedisRateLimitStore on loopback, and the same
// behind ResilientRateLimitStore (what a Redis deployment runs). Each request checks 8 windows (key and owner:
// requests per minute and per hour, tokens per minute, concurrency), as a plan with every limit set does.
// Prints p50/p90/p99/max of reserve alone and of reserve + settle. Loopback only; keys are removed afterwards.
import { randomBytes } from 'node:crypto';
import { InMemoryRateLimitStore, RateLimiter, ResilientRateLimitStore, systemClock, type RateLimitStore, type RateLimitSubject } from '@charter/core';
import { RedisRateLimitStore } from '@charter/limits-redis';
import { Redis } from 'ioredis';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
};
const count = Math.min(200_000, Math.max(100, Number(argument('count', '20000'))));
const warmup = Math.min(2_000, Math.floor(count / 5));
const redisUrl = argument('redis', 'redis://127.0.0.1:6379');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(redisUrl).hostname)) throw new Error('This benchmark only talks to a Redis on loopback.');

// Limits far above what the run uses, so every request is admitted and the full script path is measured.
const limits = { requestsPerMinute: 1_000_000_000, requestsPerHour: 1_000_000_000, tokensPerMinute: 1_000_000_000, concurrentRequests: 1_000_000 };
const subjects: RateLimitSubject[] = [
  { scope: 'key', id: 'key_bench', limits },
  { scope: 'owner', id: 'user:bench', limits },
];

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentiles(samplesNs: bigint[]): Percentiles {
  const sorted = samplesNs.map((sample) => Number(sample) / 1e6).sort((left, right) => left - right);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

async function measure(store: RateLimitStore): Promise<{ reserve: Percentiles; total: Percentiles }> {
  const limiter = new RateLimiter({ store, clock: systemClock });
  const reserveNs: bigint[] = [];
  const totalNs: bigint[] = [];
  for (let index = 0; index < warmup + count; index++) {
    const startedAt = process.hrtime.bigint();
    const reservation = await limiter.admit({ subjects, tokenCost: 1_000 });
    const reservedAt = process.hrtime.bigint();
    await limiter.settle(reservation, 600);
    const settledAt = process.hrtime.bigint();
    if (index >= warmup) {
      reserveNs.push(reservedAt - startedAt);
      totalNs.push(settledAt - startedAt);
    }
  }
  return { reserve: percentiles(reserveNs), total: percentiles(totalNs) };
}

const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
await new Promise<void>((resolve, reject) => {
  redis.once('ready', () => resolve());
  redis.once('error', reject);
});
const keyPrefix = `charter-bench:${randomBytes(6).toString('hex')}:`;
const redisStore = new RedisRateLimitStore({ redis, keyPrefix });
await redisStore.load();
const resilient = new ResilientRateLimitStore({ primary: redisStore, fallback: new InMemoryRateLimitStore(), policy: 'fail_closed', commandTimeoutMs: 50 });

const rows: Array<[string, { reserve: Percentiles; total: Percentiles }]> = [];
try {
  rows.push(['in-memory', await measure(new InMemoryRateLimitStore())]);
  rows.push(['redis (loopback)', await measure(redisStore)]);
  rows.push(['redis + resilient', await measure(resilient)]);
  if (resilient.state !== 'redis') throw new Error('Redis degraded during the run; the numbers would be the failure policy, not Redis.');
} finally {
  resilient.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

const format = (value: number) => value.toFixed(3).padStart(8);
console.log(`rate-limit admission latency, ${count} sequential requests (after ${warmup} warm-up), 8 windows each, ms`);
console.log(`${'store'.padEnd(20)}${'reserve p50'.padStart(12)}${'p90'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}   ${'reserve+settle p50'.padStart(18)}${'p90'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}`);
for (const [name, result] of rows) {
  console.log(
    `${name.padEnd(20)}${format(result.reserve.p50).padStart(12)}${format(result.reserve.p90).padStart(9)}${format(result.reserve.p99).padStart(9)}${format(result.reserve.max).padStart(9)}   ` +
      `${format(result.total.p50).padStart(18)}${format(result.total.p90).padStart(9)}${format(result.total.p99).padStart(9)}${format(result.total.max).padStart(9)}`,
  );
}
