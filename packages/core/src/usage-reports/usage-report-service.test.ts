import { randomUUID } from 'node:crypto';
import { SqlUsageRepository } from '@charter/storage';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { UsageDimension } from './usage-report.js';
import { UsageReportService } from './usage-report-service.js';

const usageKey = (fields: Partial<Principal> = {}): Principal => ({
  userId: 'user_alice',
  organizationId: null,
  apiKeyId: 'key_usage',
  sessionId: null,
  scopes: { models: null, endpoints: ['usage'], rateLimits: null },
  ...fields,
});

function record(fields: Partial<UsageRecord> & Pick<UsageRecord, 'createdAt'>): UsageRecord {
  return {
    id: `usage_${randomUUID()}`,
    requestId: `req_${randomUUID()}`,
    apiKeyId: 'key_1',
    userId: 'user_alice',
    organizationId: null,
    endpoint: 'chat.completions',
    model: 'm',
    engineId: 'e',
    promptTokens: 3,
    completionTokens: 5,
    status: 'succeeded',
    errorCode: null,
    latencyMs: 5,
    timeToFirstTokenMs: 1,
    ...fields,
  };
}

describe('UsageReportService on SQLite', () => {
  let database: TestDatabase;
  let repository: SqlUsageRepository;
  let reports: UsageReportService;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    repository = new SqlUsageRepository(database.db);
    reports = new UsageReportService({ repository, exportPageSize: 3 });
  });
  afterEach(() => database.close());

  const from = new Date('2025-03-01T10:30:00Z');
  const to = new Date('2025-03-01T12:15:00Z');

  it('API-6 BIL-3 buckets are clipped to the range and the totals add up', async () => {
    await repository.insertMany([
      record({ createdAt: new Date('2025-03-01T10:29:59.999Z') }),
      record({ createdAt: new Date('2025-03-01T10:30:00Z'), status: 'failed', errorCode: 'engine_error', completionTokens: 0 }),
      record({ createdAt: new Date('2025-03-01T11:00:00Z'), model: 'other' }),
      record({ createdAt: new Date('2025-03-01T12:14:59.999Z'), status: 'cancelled' }),
      record({ createdAt: new Date('2025-03-01T12:15:00Z') }),
    ]);
    const report = await reports.report(usageKey(), { from, to, granularity: 'hour', groupBy: ['model'] });
    expect(report.rows.map((row) => [row.startsAt.toISOString(), row.endsAt.toISOString(), row.model, row.requests])).toEqual([
      ['2025-03-01T10:30:00.000Z', '2025-03-01T11:00:00.000Z', 'm', 1],
      ['2025-03-01T11:00:00.000Z', '2025-03-01T12:00:00.000Z', 'other', 1],
      ['2025-03-01T12:00:00.000Z', '2025-03-01T12:15:00.000Z', 'm', 1],
    ]);
    expect(report.totals).toEqual({ requests: 3, succeededRequests: 1, failedRequests: 1, cancelledRequests: 1, promptTokens: 9, completionTokens: 10 });
    const empty = await reports.report(usageKey(), { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-01-02T00:00:00Z'), granularity: 'day' });
    expect(empty).toMatchObject({ rows: [], totals: { requests: 0, promptTokens: 0 }, groupBy: [] });
  });

  it('API-6 group_by is put in a canonical order; unknown or repeated dimensions are refused', async () => {
    const report = await reports.report(usageKey(), { from, to, granularity: 'day', groupBy: ['member', 'apiKey'] });
    expect(report.groupBy).toEqual(['apiKey', 'member']);
    await expect(reports.report(usageKey(), { from, to, granularity: 'day', groupBy: ['endpoint' as UsageDimension] })).rejects.toMatchObject({ code: 'invalid_request_error', param: 'group_by' });
    await expect(reports.report(usageKey(), { from, to, granularity: 'day', groupBy: ['model', 'model'] })).rejects.toMatchObject({ param: 'group_by' });
  });

  it('API-6 bad ranges are refused with the parameter at fault', async () => {
    const day = 86_400_000;
    const cases: Array<[Date, Date, 'hour' | 'day', string]> = [
      [new Date(Number.NaN), to, 'day', 'from'],
      [from, new Date(Number.NaN), 'day', 'to'],
      [to, from, 'day', 'to'],
      [from, from, 'day', 'to'],
      [from, new Date(from.getTime() + 367 * day), 'day', 'to'],
      [from, new Date(from.getTime() + 32 * day), 'hour', 'to'],
    ];
    for (const [start, end, granularity, param] of cases) {
      await expect(reports.report(usageKey(), { from: start, to: end, granularity })).rejects.toMatchObject({ code: 'invalid_request_error', param });
    }
    await expect(reports.report(usageKey(), { from, to: new Date(from.getTime() + 366 * day), granularity: 'day' })).resolves.toBeDefined();
    expect(() => reports.exportRecords(usageKey(), { from, to: new Date(from.getTime() + 367 * day) })).toThrow(expect.objectContaining({ param: 'to' }));
  });

  it('API-6 usage needs a key that names the usage scope; an unrestricted inference key is not enough', async () => {
    for (const endpoints of [null, ['chat.completions' as const], ['api_keys' as const]]) {
      const principal = usageKey({ scopes: { models: null, endpoints, rateLimits: null } });
      await expect(reports.report(principal, { from, to, granularity: 'day' })).rejects.toMatchObject({ code: 'permission_denied' });
      expect(() => reports.exportRecords(principal, { from, to })).toThrow(expect.objectContaining({ code: 'permission_denied' }));
    }
  });

  it('API-6 a key acting for an organisation reports the organisation; a personal key only its user', async () => {
    await repository.insertMany([
      record({ createdAt: new Date('2025-03-01T11:00:00Z'), promptTokens: 1 }),
      record({ createdAt: new Date('2025-03-01T11:00:00Z'), organizationId: 'org_acme', promptTokens: 10 }),
      record({ createdAt: new Date('2025-03-01T11:00:00Z'), organizationId: 'org_acme', userId: 'user_bob', promptTokens: 100 }),
    ]);
    expect((await reports.report(usageKey(), { from, to, granularity: 'day' })).totals.promptTokens).toBe(1);
    const organisation = await reports.report(usageKey({ organizationId: 'org_acme' }), { from, to, granularity: 'day', groupBy: ['member'] });
    expect(organisation.rows.map((row) => [row.userId, row.promptTokens])).toEqual([
      ['user_alice', 10],
      ['user_bob', 100],
    ]);
  });

  it('BIL-3 the export reads every record of the range in pages, oldest first', async () => {
    const records = Array.from({ length: 7 }, (_, index) => record({ createdAt: new Date(from.getTime() + index * 60_000) }));
    await repository.insertMany([...records, record({ createdAt: new Date(from.getTime() - 1) }), record({ createdAt: new Date(from.getTime()), userId: 'user_bob' })]);
    const pages: number[] = [];
    const seen: UsageRecord[] = [];
    for await (const page of reports.exportRecords(usageKey(), { from, to })) {
      pages.push(page.length);
      seen.push(...page);
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual(records);
    const exact = new UsageReportService({ repository, exportPageSize: 7 });
    const exactPages: number[] = [];
    for await (const page of exact.exportRecords(usageKey(), { from, to })) exactPages.push(page.length);
    expect(exactPages).toEqual([7]);
  });
});
