import type BetterSqlite3 from 'better-sqlite3';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe } from 'vitest';
import { describeUsageInsertion } from './__fixtures__/usage-insertion-contract.js';
import { openSqliteConnection } from './open-database.js';
import { SqlUsageRepository } from './sql-usage-repository.js';
import { SqliteUsageInserter } from './sqlite-usage-inserter.js';

// The usage writer thread's insert, on its own connection to the file; reads go through the main connection.
describe('SqliteUsageInserter', () => {
  let database: TestDatabase;
  let connection: BetterSqlite3.Database;
  let inserter: SqliteUsageInserter;
  let reader: SqlUsageRepository;
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    connection = openSqliteConnection(database.url);
    inserter = new SqliteUsageInserter(connection);
    reader = new SqlUsageRepository(database.db);
  });
  afterEach(async () => {
    connection.close();
    await database.close();
  });

  describeUsageInsertion(() => ({
    usage: {
      insertMany: async (records) => inserter.insertMany(records),
      listByUser: (query) => reader.listByUser(query),
    },
    countRecords: async () => (await database.db.selectFrom('usage_records').select('id').execute()).length,
  }));
});
