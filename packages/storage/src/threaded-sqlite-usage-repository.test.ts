import { readdirSync, readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, buildUsageRecord } from './__fixtures__/build-records.js';
import { SqlUsageRepository } from './sql-usage-repository.js';
import { ThreadedSqliteUsageRepository } from './threaded-sqlite-usage-repository.js';

const wholeRange = { from: at(-1_000_000), to: at(1_000_000) };

describe('ThreadedSqliteUsageRepository', () => {
  let database: TestDatabase;
  let reader: SqlUsageRepository;
  let usage: ThreadedSqliteUsageRepository;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    reader = new SqlUsageRepository(database.db);
    usage = new ThreadedSqliteUsageRepository({ filename: database.url, reader });
  });
  afterEach(async () => {
    await usage.close();
    await database.close();
  });

  it('BIL-3 writes batches on its own thread and connection; the main connection reads them back', async () => {
    const first = buildUsageRecord({ userId: 'user_alice', createdAt: at(1) });
    const second = buildUsageRecord({ userId: 'user_alice', status: 'failed', errorCode: 'engine_timeout', createdAt: at(2) });

    await usage.insertMany([first]);
    await usage.insertMany([second, first]);

    expect(await usage.listByUser({ userId: 'user_alice', ...wholeRange })).toEqual([second, first]);
  });

  it.runIf(process.platform === 'linux')('OPS-3 the writer thread runs at the lowest CPU priority, the rest of the process at its own', async () => {
    const niceOf = (thread: string) => {
      const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const niceOfThreads = () => readdirSync('/proc/self/task').map(niceOf);
    const before = niceOfThreads().filter((nice) => nice === 19).length;
    await usage.insertMany([buildUsageRecord({ userId: 'user_nice', createdAt: at(1) })]);
    expect(niceOfThreads().filter((nice) => nice === 19).length).toBe(before + 1);
    expect(niceOf(String(process.pid))).not.toBe(19);
  });

  it('BIL-3 close() lets batches already sent finish before the thread ends', async () => {
    const records = Array.from({ length: 1200 }, (_, index) => buildUsageRecord({ userId: 'user_bob', createdAt: at(index) }));

    const written = usage.insertMany(records);
    await usage.close();
    await written;

    expect(await reader.listByUser({ userId: 'user_bob', ...wholeRange })).toHaveLength(1200);
    await expect(usage.insertMany([buildUsageRecord({ userId: 'user_bob' })])).rejects.toThrow(/closed/);
  });

  it('BIL-3 a batch that cannot be written is rejected, so metering keeps it and retries', async () => {
    // Its parent is a file, so the writer thread cannot open it.
    const broken = new ThreadedSqliteUsageRepository({ filename: `${database.url}/charter.db`, reader });
    try {
      await expect(broken.insertMany([buildUsageRecord({ userId: 'user_carol' })])).rejects.toThrow(/not written|exited/);
    } finally {
      await broken.close();
    }
  });
});
