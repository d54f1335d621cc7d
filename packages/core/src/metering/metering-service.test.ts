import { SqlUsageRepository } from '@charter/storage';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../shared/logger.js';
import { MeteringService } from './metering-service.js';
import type { UsageRecord } from './usage-record.js';
import type { UsageRepository } from './usage-repository.js';

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function record(index: number): UsageRecord {
  return {
    id: `usage_${index}`,
    requestId: `req_${index}`,
    apiKeyId: null,
    userId: 'user_1',
    organizationId: null,
    endpoint: 'chat.completions',
    model: 'm',
    engineId: 'e',
    promptTokens: 3,
    completionTokens: 4,
    status: 'succeeded',
    errorCode: null,
    latencyMs: 5,
    timeToFirstTokenMs: 1,
    createdAt: new Date(1_700_000_000_000 + index),
  };
}

/** The real repository, with a switch that makes writes fail as if the database were down. */
class SwitchableRepository implements UsageRepository {
  isFailing = false;
  constructor(private readonly inner: SqlUsageRepository) {}
  insertMany(records: readonly UsageRecord[]) {
    return this.isFailing ? Promise.reject(new Error('database down')) : this.inner.insertMany(records);
  }
  listByUser(query: Parameters<UsageRepository['listByUser']>[0]) {
    return this.inner.listByUser(query);
  }
}

describe('MeteringService', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(() => database.close());
  const all = (service: MeteringService) => service.listByUser({ userId: 'user_1', from: new Date(0), to: new Date(2_000_000_000_000) });

  it('BIL-3 writes in batches off the hot path and flushes everything on close', async () => {
    const service = new MeteringService({ repository: new SqlUsageRepository(database.db), logger: silent, flushIntervalMs: 60_000, maxBatchSize: 1000 });
    for (let index = 0; index < 250; index++) service.record(record(index));
    expect(service.pendingCount).toBe(250);
    expect(await all(service)).toHaveLength(0);
    await service.close();
    expect(await all(service)).toHaveLength(250);
  });

  it('BIL-3 keeps records while the database fails and writes each exactly once when it returns', async () => {
    const repository = new SwitchableRepository(new SqlUsageRepository(database.db));
    const service = new MeteringService({ repository, logger: silent, flushIntervalMs: 60_000, maxBatchSize: 10 });
    repository.isFailing = true;
    for (let index = 0; index < 25; index++) service.record(record(index));
    await service.flush();
    expect(service.pendingCount).toBe(25);
    repository.isFailing = false;
    service.record(record(3));
    await service.flush();
    expect(service.pendingCount).toBe(0);
    expect((await all(service)).map((row) => row.requestId).sort()).toEqual(Array.from({ length: 25 }, (_, index) => `req_${index}`).sort());
    await service.close();
  });

  it('BIL-3 bounds memory when the database stays down, counting what it drops', async () => {
    const repository = new SwitchableRepository(new SqlUsageRepository(database.db));
    repository.isFailing = true;
    let dropped = 0;
    const service = new MeteringService({ repository, logger: silent, flushIntervalMs: 60_000, maxBatchSize: 5, maxBufferedRecords: 20, onDropped: (count) => (dropped += count) });
    for (let index = 0; index < 30; index++) service.record(record(index));
    await service.flush();
    expect(service.pendingCount).toBe(20);
    expect(dropped).toBe(10);
    repository.isFailing = false;
    await service.close();
  });
});
