import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, buildUsageRecord } from './__fixtures__/build-records.js';
import { describeUsageInsertion } from './__fixtures__/usage-insertion-contract.js';
import { SqlUsageRepository } from './sql-usage-repository.js';

const alice = 'user_alice';
const bob = 'user_bob';
const wholeRange = { from: at(-1_000_000), to: at(1_000_000) };

describe.each(testDialects)('SqlUsageRepository on %s', (dialect) => {
  let database: TestDatabase;
  let usage: SqlUsageRepository;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    usage = new SqlUsageRepository(database.db);
  });
  afterEach(() => database.close());

  const countRecords = async () => (await database.db.selectFrom('usage_records').select('id').execute()).length;

  describeUsageInsertion(() => ({ usage, countRecords }));

  it("BIL-3 listByUser returns only that user's records, newest first", async () => {
    const aliceOld = buildUsageRecord({ userId: alice, createdAt: at(1) });
    const aliceNew = buildUsageRecord({ userId: alice, createdAt: at(3) });
    const bobRecord = buildUsageRecord({ userId: bob, createdAt: at(2) });
    await usage.insertMany([aliceOld, bobRecord, aliceNew]);

    expect(await usage.listByUser({ userId: alice, ...wholeRange })).toEqual([aliceNew, aliceOld]);
    expect(await usage.listByUser({ userId: bob, ...wholeRange })).toEqual([bobRecord]);
    expect(await usage.listByUser({ userId: 'user_nobody', ...wholeRange })).toEqual([]);
  });

  it('BIL-3 listByUser filters by time range (from inclusive, to exclusive), api key and limit', async () => {
    const records = [0, 1, 2, 3, 4].map((minute) =>
      buildUsageRecord({ userId: alice, apiKeyId: minute % 2 === 0 ? 'key_even' : 'key_odd', createdAt: at(minute * 60_000) }),
    );
    await usage.insertMany(records);
    const [minute0, minute1, minute2, minute3] = records;

    expect(await usage.listByUser({ userId: alice, from: at(60_000), to: at(240_000) })).toEqual([minute3, minute2, minute1]);
    expect(await usage.listByUser({ userId: alice, from: at(0), to: at(240_000), apiKeyId: 'key_even' })).toEqual([minute2, minute0]);
    expect(await usage.listByUser({ userId: alice, ...wholeRange, limit: 2 })).toEqual([records[4], minute3]);
  });

  it('BIL-3 listByUser rejects a limit that is not a positive integer', async () => {
    await expect(usage.listByUser({ userId: alice, ...wholeRange, limit: 0 })).rejects.toMatchObject({ code: 'invalid_request_error', param: 'limit' });
  });
});

describe.each(testDialects)('SqlUsageRepository reports on %s', (dialect) => {
  let database: TestDatabase;
  let usage: SqlUsageRepository;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    usage = new SqlUsageRepository(database.db);
  });
  afterEach(() => database.close());

  const user = (ownerId: string) => ({ ownerType: 'user' as const, ownerId });
  const hour = 3_600_000;
  const day = 86_400_000;
  const utc = (iso: string) => new Date(iso);
  const totals = (requests: number, promptTokens: number, completionTokens: number, statuses: [number, number, number] = [requests, 0, 0]) => ({
    requests,
    succeededRequests: statuses[0],
    failedRequests: statuses[1],
    cancelledRequests: statuses[2],
    promptTokens,
    completionTokens,
  });
  const byTime = <Row extends { bucketStartsAt: Date }>(rows: Row[]) => [...rows].sort((left, right) => left.bucketStartsAt.getTime() - right.bucketStartsAt.getTime());

  it('BIL-3 API-6 hourly buckets split exactly at the hour: the last millisecond before and the first of the next', async () => {
    await usage.insertMany([
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-15T12:00:00.000Z'), promptTokens: 1, completionTokens: 10 }),
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-15T12:59:59.999Z'), promptTokens: 2, completionTokens: 20, status: 'failed', errorCode: 'engine_error' }),
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-15T13:00:00.000Z'), promptTokens: 4, completionTokens: 40, status: 'cancelled' }),
    ]);
    const rows = await usage.aggregate({ owner: user(alice), from: utc('2025-01-15T00:00:00Z'), to: utc('2025-01-16T00:00:00Z'), granularity: 'hour', groupBy: [] });
    expect(byTime(rows)).toEqual([
      { bucketStartsAt: utc('2025-01-15T12:00:00Z'), ...totals(2, 3, 30, [1, 1, 0]) },
      { bucketStartsAt: utc('2025-01-15T13:00:00Z'), ...totals(1, 4, 40, [0, 0, 1]) },
    ]);
  });

  it('BIL-3 API-6 daily buckets are UTC days; from is inclusive and to exclusive', async () => {
    await usage.insertMany([
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-14T23:59:59.999Z') }),
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-15T00:00:00.000Z') }),
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-15T23:59:59.999Z') }),
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-16T00:00:00.000Z') }),
      buildUsageRecord({ userId: alice, createdAt: utc('2025-01-17T00:00:00.000Z') }),
    ]);
    const query = { owner: user(alice), granularity: 'day' as const, groupBy: [] };
    const all = await usage.aggregate({ ...query, from: utc('2025-01-01T00:00:00Z'), to: utc('2025-02-01T00:00:00Z') });
    expect(byTime(all).map((row) => [row.bucketStartsAt.toISOString(), row.requests])).toEqual([
      ['2025-01-14T00:00:00.000Z', 1],
      ['2025-01-15T00:00:00.000Z', 2],
      ['2025-01-16T00:00:00.000Z', 1],
      ['2025-01-17T00:00:00.000Z', 1],
    ]);
    const bounded = await usage.aggregate({ ...query, from: utc('2025-01-15T00:00:00Z'), to: utc('2025-01-17T00:00:00Z') });
    expect(bounded.reduce((sum, row) => sum + row.requests, 0)).toBe(3);
    const midDay = await usage.aggregate({ ...query, from: new Date(utc('2025-01-15T00:00:00Z').getTime() + 1), to: utc('2025-01-15T23:59:59.999Z') });
    expect(midDay).toEqual([]);
  });

  it('BIL-3 API-6 groups by API key, model and member and filters by key and model', async () => {
    const base = utc('2025-01-15T10:00:00Z');
    await usage.insertMany([
      buildUsageRecord({ userId: alice, apiKeyId: 'key_a', model: 'small', createdAt: base, promptTokens: 1, completionTokens: 1 }),
      buildUsageRecord({ userId: alice, apiKeyId: 'key_a', model: 'large', createdAt: new Date(base.getTime() + 1), promptTokens: 2, completionTokens: 2 }),
      buildUsageRecord({ userId: alice, apiKeyId: 'key_b', model: 'small', createdAt: new Date(base.getTime() + hour), promptTokens: 4, completionTokens: 4 }),
      buildUsageRecord({ userId: alice, apiKeyId: null, model: 'small', createdAt: new Date(base.getTime() + 2 * day), promptTokens: 8, completionTokens: 8 }),
    ]);
    const range = { owner: user(alice), from: utc('2025-01-01T00:00:00Z'), to: utc('2025-02-01T00:00:00Z') };
    const byKeyAndModel = await usage.aggregate({ ...range, granularity: 'day', groupBy: ['apiKey', 'model'] });
    const simplified = byKeyAndModel.map((row) => [row.bucketStartsAt.toISOString().slice(0, 10), row.apiKeyId, row.model, row.promptTokens, row.userId]);
    expect(simplified.sort()).toEqual(
      [
        ['2025-01-15', 'key_a', 'large', 2, undefined],
        ['2025-01-15', 'key_a', 'small', 1, undefined],
        ['2025-01-15', 'key_b', 'small', 4, undefined],
        ['2025-01-17', null, 'small', 8, undefined],
      ].sort(),
    );
    const byMember = await usage.aggregate({ ...range, granularity: 'day', groupBy: ['member'] });
    expect(byTime(byMember).map((row) => [row.userId, row.requests, 'apiKeyId' in row, 'model' in row])).toEqual([
      [alice, 3, false, false],
      [alice, 1, false, false],
    ]);
    const keyA = await usage.aggregate({ ...range, granularity: 'day', groupBy: [], apiKeyId: 'key_a' });
    expect(keyA).toEqual([{ bucketStartsAt: utc('2025-01-15T00:00:00Z'), ...totals(2, 3, 3) }]);
    const small = await usage.aggregate({ ...range, granularity: 'day', groupBy: ['model'], model: 'small' });
    expect(small.reduce((sum, row) => sum + row.promptTokens, 0)).toBe(13);
    expect(await usage.aggregate({ ...range, granularity: 'day', groupBy: [], model: 'missing' })).toEqual([]);
  });

  it("BIL-3 API-6 owner scoping: a user's report never includes another user's or an organisation's records", async () => {
    const time = utc('2025-01-15T10:00:00Z');
    await usage.insertMany([
      buildUsageRecord({ userId: alice, createdAt: time, promptTokens: 1 }),
      buildUsageRecord({ userId: bob, apiKeyId: 'key_shared_name', createdAt: time, promptTokens: 100 }),
      buildUsageRecord({ userId: alice, organizationId: 'org_acme', createdAt: time, promptTokens: 1_000 }),
      buildUsageRecord({ userId: bob, organizationId: 'org_acme', createdAt: time, promptTokens: 10_000 }),
    ]);
    const range = { from: utc('2025-01-15T00:00:00Z'), to: utc('2025-01-16T00:00:00Z'), granularity: 'day' as const };
    const sum = async (owner: { ownerType: 'user' | 'organization'; ownerId: string }, apiKeyId?: string) =>
      (await usage.aggregate({ ...range, owner, groupBy: [], ...(apiKeyId ? { apiKeyId } : {}) })).reduce((total, row) => total + row.promptTokens, 0);
    expect(await sum(user(alice))).toBe(1);
    expect(await sum(user(bob))).toBe(100);
    // Filtering by another user's key id finds nothing: the owner condition always applies.
    expect(await sum(user(alice), 'key_shared_name')).toBe(0);
    expect(await sum({ ownerType: 'organization', ownerId: 'org_acme' })).toBe(11_000);
    const members = await usage.aggregate({ ...range, owner: { ownerType: 'organization', ownerId: 'org_acme' }, groupBy: ['member'] });
    expect(members.map((row) => [row.userId, row.promptTokens]).sort()).toEqual([
      [alice, 1_000],
      [bob, 10_000],
    ]);
    expect(await usage.listPage({ owner: user(alice), from: range.from, to: range.to, limit: 10 })).toHaveLength(1);
    expect(await sum(user('user_nobody'))).toBe(0);
  });

  it('BIL-3 listPage pages through records oldest first without gaps or repeats, ties broken by id', async () => {
    const sameTime = utc('2025-01-15T10:00:00Z');
    const records = Array.from({ length: 25 }, (_, index) => buildUsageRecord({ userId: alice, createdAt: index < 10 ? sameTime : new Date(sameTime.getTime() + index * 1000) }));
    await usage.insertMany([...records, buildUsageRecord({ userId: bob, createdAt: sameTime })]);
    const range = { owner: user(alice), from: utc('2025-01-15T00:00:00Z'), to: utc('2025-01-16T00:00:00Z') };
    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await usage.listPage({ ...range, limit: 4, ...(after ? { after } : {}) });
      seen.push(...page.map((record) => record.id));
      if (page.length < 4) break;
      after = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
    }
    const expected = [...records].sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime() || (left.id < right.id ? -1 : 1));
    expect(seen).toEqual(expected.map((record) => record.id));
    const [first] = await usage.listPage({ ...range, limit: 1 });
    expect(first).toEqual(expected[0]);
    await expect(usage.listPage({ ...range, limit: 0 })).rejects.toMatchObject({ param: 'limit' });
  });
});
