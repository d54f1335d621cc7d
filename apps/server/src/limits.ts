import {
  AdmissionControl,
  type AuditLog,
  InMemoryRateLimitStore,
  type Logger,
  PlanService,
  QuotaService,
  RateLimiter,
  type RateLimitStore,
  ResilientRateLimitStore,
  systemClock,
  type User,
} from '@charter/core';
import { RedisRateLimitStore } from '@charter/limits-redis';
import { SqlPlanRepository, SqlQuotaNoticeSink, SqlQuotaUsageStore, type Database } from '@charter/storage';
import type { Redis } from 'ioredis';
import type { CharterConfig } from './config.js';
import type { ServerMetrics } from './plugins/metrics.js';

const maxSettleDelayMs = 25;

/** Plans, quotas and rate limits wired to their stores: Redis when configured (shared by every node), else memory. */
export interface LimitsWiring {
  plans: PlanService;
  quotas: QuotaService;
  admission: AdmissionControl;
  close(): Promise<void>;
}

export async function createLimits(options: {
  config: CharterConfig;
  database: Database;
  redis: Redis | undefined;
  owner: User;
  audit: AuditLog;
  metrics: ServerMetrics;
  logger: Logger;
}): Promise<LimitsWiring> {
  const { config, database, redis, owner, audit, metrics, logger } = options;
  const plans = new PlanService({
    repository: new SqlPlanRepository(database.db),
    audit,
    clock: systemClock,
    defaultPlanId: config.limits.defaultPlanId,
  });
  await plans.ensureDefaultPlans();
  const ownerPlan = await plans.effectivePlan({ ownerType: 'user', ownerId: owner.id });
  if (ownerPlan.isDefault && config.limits.ownerPlanId !== config.limits.defaultPlanId) {
    await plans.assign({ owner: { ownerType: 'user', ownerId: owner.id }, planId: config.limits.ownerPlanId });
  }
  const quotas = new QuotaService({
    usage: new SqlQuotaUsageStore(database.db),
    notices: new SqlQuotaNoticeSink(database.db),
    clock: systemClock,
    logger,
    onNotice: (notice) => {
      metrics.quotaNotices.inc({ threshold: String(notice.thresholdPercent) });
      logger.info({ ownerType: notice.owner.ownerType, ownerId: notice.owner.ownerId, threshold: notice.thresholdPercent }, 'quota threshold reached');
    },
  });
  let store: RateLimitStore = new InMemoryRateLimitStore();
  let resilient: ResilientRateLimitStore | undefined;
  let redisStore: RedisRateLimitStore | undefined;
  if (redis) {
    // A settlement waits up to this long for its owner's next reservation to carry it: one Redis call per request
    // instead of two whenever an owner's requests come closer together. This node always sees its own settlements
    // (a reservation applies its owner's queued ones first); other nodes see the freed slots and tokens that much
    // later, which is stricter, never looser. Kept well inside the command timeout, which also times the wait.
    const settleDelayMs = Math.min(maxSettleDelayMs, Math.floor(config.limits.redisCommandTimeoutMs / 5));
    redisStore = new RedisRateLimitStore({ redis, settleDelayMs });
    resilient = new ResilientRateLimitStore({
      primary: redisStore,
      fallback: store,
      policy: config.limits.redisFailurePolicy,
      commandTimeoutMs: config.limits.redisCommandTimeoutMs,
      logger,
      onStateChange: (change) => {
        metrics.rateLimitStoreDegraded.set(change.state === 'degraded' ? 1 : 0);
        const fields = { state: change.state, policy: config.limits.redisFailurePolicy };
        if (change.state === 'degraded') logger.warn(fields, 'rate-limit store degraded: Redis is failing');
        else logger.info(fields, 'rate-limit store recovered: Redis answers again');
      },
    });
    store = resilient;
  }
  const rateLimiter = new RateLimiter({ store, clock: systemClock, logger });
  return {
    plans,
    quotas,
    admission: new AdmissionControl({ plans, quotas, rateLimiter }),
    async close() {
      // Settlements still queued free their concurrency slots now, not at lease expiry.
      await redisStore?.flushSettlements().catch((error: unknown) => logger.warn({ err: error }, 'rate-limit settlements could not be sent at shutdown'));
      resilient?.close();
      await quotas.close();
    },
  };
}
