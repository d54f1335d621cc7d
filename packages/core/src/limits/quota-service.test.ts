import { SqlQuotaNoticeSink, SqlQuotaUsageStore } from '@charter/storage';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../shared/logger.js';
import type { BillingOwner } from './billing-owner.js';
import type { QuotaNotice, QuotaRule, QuotaSubject } from './quota.js';
import { QuotaExceededError } from './quota-errors.js';
import type { QuotaUsageStore } from './quota-usage-store.js';
import { QuotaService } from './quota-service.js';

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const alice: BillingOwner = { ownerType: 'user', ownerId: 'user_alice' };

function subject(quota: Partial<QuotaRule> | null, overrides: Partial<QuotaSubject> = {}): QuotaSubject {
  return {
    owner: alice,
    planId: 'test-plan',
    quota: quota === null ? null : { period: 'month', unit: 'tokens', amount: 1_000, overage: 'block', ...quota },
    billingTimeZone: 'Europe/Berlin',
    ...overrides,
  };
}

describe('QuotaService on SQLite', () => {
  let database: TestDatabase;
  let nowMs: number;
  let notices: SqlQuotaNoticeSink;
  let usage: SqlQuotaUsageStore;
  const services: QuotaService[] = [];
  const emitted: QuotaNotice[] = [];

  function service(store: QuotaUsageStore = usage): QuotaService {
    const created = new QuotaService({ usage: store, notices, clock: () => new Date(nowMs), logger: silent, usageCacheTtlMs: 0, flushIntervalMs: 60_000, onNotice: (notice) => emitted.push(notice) });
    services.push(created);
    return created;
  }

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    notices = new SqlQuotaNoticeSink(database.db);
    usage = new SqlQuotaUsageStore(database.db);
    nowMs = Date.parse('2025-03-15T12:00:00Z');
    emitted.length = 0;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((created) => created.close()));
    await database.close();
  });

  it('API-6 counts recorded tokens per calendar period and reports what is left', async () => {
    const quotas = service();
    quotas.record(subject({}), 300);
    quotas.record(subject({}), 200);
    expect(await quotas.check(subject({}))).toMatchObject({ isLimited: true, usedTokens: 500, limitTokens: 1_000, remainingTokens: 500, isOverage: false });
    await quotas.flush();
    expect(quotas.pendingCount).toBe(0);
    const status = await quotas.check(subject({}));
    expect(status.usedTokens).toBe(500);
    expect(status.period?.startsAt.toISOString()).toBe('2025-02-28T23:00:00.000Z');

    // Midnight of 1 April in Berlin starts a fresh period.
    nowMs = Date.parse('2025-03-31T22:00:00Z');
    expect((await quotas.check(subject({}))).usedTokens).toBe(0);
  });

  it("API-6 past the quota, 'block' refuses with insufficient_quota", async () => {
    const quotas = service();
    quotas.record(subject({ overage: 'block' }), 999);
    await expect(quotas.check(subject({ overage: 'block' }))).resolves.toMatchObject({ remainingTokens: 1 });
    quotas.record(subject({ overage: 'block' }), 1);
    const error = await quotas.check(subject({ overage: 'block' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ code: 'insufficient_quota', planId: 'test-plan', isRetryable: false });
    expect((error as QuotaExceededError).period?.endsAt.toISOString()).toBe('2025-03-31T22:00:00.000Z');
  });

  it("API-6 past the quota, 'bill' serves the request and flags it as overage", async () => {
    const quotas = service();
    quotas.record(subject({ overage: 'bill' }), 1_500);
    expect(await quotas.check(subject({ overage: 'bill' }))).toMatchObject({ usedTokens: 1_500, remainingTokens: 0, isOverage: true });
  });

  it('API-6 a plan without a quota is unlimited and counts nothing', async () => {
    const quotas = service();
    quotas.record(subject(null), 10_000);
    expect(quotas.pendingCount).toBe(0);
    expect(await quotas.check(subject(null))).toEqual({ isLimited: false, period: null, usedTokens: null, limitTokens: null, remainingTokens: null, isOverage: false });
  });

  it('API-6 spend quotas are a clear error until the price book exists, not a silent no-op', async () => {
    const quotas = service();
    await expect(quotas.check(subject({ unit: 'spend_minor' }))).rejects.toMatchObject({ code: 'invalid_request_error', param: 'quota.unit', message: expect.stringMatching(/price book/) });
    expect(() => quotas.record(subject({ unit: 'spend_minor' }), 5)).toThrow(/price book/);
  });

  it('API-6 notices at 80% and 100% are recorded once per period, also when two nodes cross them', async () => {
    const nodeA = service();
    const nodeB = service();
    nodeA.record(subject({}), 700);
    await nodeA.flush();
    expect(emitted).toEqual([]);
    nodeB.record(subject({}), 150);
    await nodeB.flush();
    expect(emitted.map((notice) => notice.thresholdPercent)).toEqual([80]);
    nodeA.record(subject({}), 100);
    await nodeA.flush();
    nodeB.record(subject({}), 100);
    nodeA.record(subject({}), 500);
    await Promise.all([nodeA.flush(), nodeB.flush()]);
    expect(emitted.map((notice) => notice.thresholdPercent)).toEqual([80, 100]);
    // A retried notice (e.g. after a lost reply) changes nothing.
    expect(await notices.record({ ...emitted[1]!, createdAt: new Date(nowMs + 1) })).toBe(false);

    // The next period has its own notices.
    nowMs = Date.parse('2025-04-15T12:00:00Z');
    nodeA.record(subject({}), 2_000);
    await nodeA.flush();
    expect(emitted.map((notice) => [notice.periodStartsAt.toISOString(), notice.thresholdPercent])).toEqual([
      ['2025-02-28T23:00:00.000Z', 80],
      ['2025-02-28T23:00:00.000Z', 100],
      ['2025-03-31T22:00:00.000Z', 80],
      ['2025-03-31T22:00:00.000Z', 100],
    ]);
    expect(await notices.listByOwner(alice)).toHaveLength(4);
  });

  it('API-6 consumption recorded while the database fails is kept and written once it returns', async () => {
    let isFailing = true;
    const flaky: QuotaUsageStore = {
      add: (entry) => (isFailing ? Promise.reject(new Error('database down')) : usage.add(entry)),
      get: (owner, periodStartsAt) => usage.get(owner, periodStartsAt),
    };
    const quotas = service(flaky);
    quotas.record(subject({}), 400);
    await quotas.flush();
    expect(quotas.pendingCount).toBe(1);
    quotas.record(subject({}), 100);
    isFailing = false;
    await quotas.flush();
    expect(quotas.pendingCount).toBe(0);
    expect(await usage.get(alice, new Date('2025-02-28T23:00:00.000Z'))).toBe(500);
  });

  it("API-6 periods follow each owner's own billing time zone", async () => {
    const quotas = service();
    nowMs = Date.parse('2025-12-31T16:30:00Z');
    const shanghai = subject({ period: 'year' }, { billingTimeZone: 'Asia/Shanghai' });
    const newYork = subject({ period: 'year' }, { billingTimeZone: 'America/New_York', owner: { ownerType: 'organization', ownerId: 'org_1' } });
    expect((await quotas.check(shanghai)).period?.startsAt.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect((await quotas.check(newYork)).period?.startsAt.toISOString()).toBe('2025-01-01T05:00:00.000Z');
  });
});
