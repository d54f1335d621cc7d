import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, buildUsageRecord } from './__fixtures__/build-records.js';
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

  it('BIL-3 insertMany stores every field and listByUser reads it back', async () => {
    const succeeded = buildUsageRecord({ userId: alice, apiKeyId: 'key_1', organizationId: 'org_1', createdAt: at(1) });
    const failed = buildUsageRecord({
      userId: alice,
      status: 'failed',
      errorCode: 'engine_timeout',
      engineId: null,
      promptTokens: 0,
      completionTokens: 0,
      timeToFirstTokenMs: null,
      createdAt: at(2),
    });

    await usage.insertMany([succeeded, failed]);

    expect(await usage.listByUser({ userId: alice, ...wholeRange })).toEqual([failed, succeeded]);
  });

  it('BIL-3 the same request id inserted twice is stored once, and the first write wins', async () => {
    const original = buildUsageRecord({ userId: alice, completionTokens: 20 });
    const retried = buildUsageRecord({ userId: alice, requestId: original.requestId, completionTokens: 99 });

    await usage.insertMany([original]);
    await usage.insertMany([retried]);

    expect(await usage.listByUser({ userId: alice, ...wholeRange })).toEqual([original]);
  });

  it('BIL-3 a batch mixing new and already-stored request ids inserts only the new ones', async () => {
    const stored = buildUsageRecord({ userId: alice, createdAt: at(1) });
    await usage.insertMany([stored]);
    const fresh = buildUsageRecord({ userId: alice, createdAt: at(2) });
    const freshRepeatedInBatch = buildUsageRecord({ userId: alice, requestId: fresh.requestId, createdAt: at(3) });

    await usage.insertMany([buildUsageRecord({ userId: alice, requestId: stored.requestId, createdAt: at(4) }), fresh, freshRepeatedInBatch]);

    expect(await usage.listByUser({ userId: alice, ...wholeRange })).toEqual([fresh, stored]);
  });

  it('BIL-3 a batch with an invalid row fails as a whole and inserts none of its rows', async () => {
    const stored = buildUsageRecord({ userId: alice });
    await usage.insertMany([stored]);
    // The bad row comes after more than one statement's worth of good rows, so the transaction must undo
    // statements that already succeeded. A new request under a used id is not a retry: it must not be skipped.
    const goodRows = Array.from({ length: 600 }, () => buildUsageRecord({ userId: alice }));
    const batch = [...goodRows, buildUsageRecord({ userId: alice, id: stored.id })];

    await expect(usage.insertMany(batch)).rejects.toThrow();

    expect(await countRecords()).toBe(1);
  });

  it('BIL-3 insertMany writes a batch larger than one statement in one go', async () => {
    const records = Array.from({ length: 1_201 }, (_, index) => buildUsageRecord({ userId: alice, createdAt: at(index) }));

    await usage.insertMany(records);
    await usage.insertMany(records);
    await usage.insertMany([]);

    expect(await countRecords()).toBe(1_201);
  });

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
