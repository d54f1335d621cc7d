import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from './migrate-to-latest.js';
import { migrations } from './migrations/index.js';
import { MigrationError } from './storage-errors.js';

const runFile = promisify(execFile);
const startInstanceScript = fileURLToPath(new URL('./__fixtures__/start-instance.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

// Our tables in this database or schema only; Kysely's introspection reads every schema, which races with
// other test schemas being dropped.
async function listTables(database: TestDatabase): Promise<string[]> {
  const query =
    database.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
      : sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'`;
  const { rows } = await query.execute(database.db);
  return rows.map((row) => row.name).filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_')).sort();
}

describe.each(testDialects)('migrateToLatest on %s', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('OPS-4 applies every migration to an empty database, and a second run is a no-op', async () => {
    database = await createTestDatabase(dialect, { isMigrated: false });

    const first = await migrateToLatest(database.db);
    const second = await migrateToLatest(database.db);

    expect(first.appliedMigrations).toEqual(Object.keys(migrations).sort());
    expect(second.appliedMigrations).toEqual([]);
    expect(await listTables(database)).toEqual(expect.arrayContaining(['api_keys', 'audit_events', 'usage_records', 'users', 'violation_events']));
  });

  it('OPS-4 creates the required unique constraints and indexes', async () => {
    database = await createTestDatabase(dialect);

    const query =
      dialect === 'sqlite'
        ? sql<{ name: string }>`select name from sqlite_master where type = 'index'`
        : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`;
    const names = (await query.execute(database.db)).rows.map((row) => row.name);

    expect(names).toEqual(
      expect.arrayContaining([
        'users_single_owner_index',
        'api_keys_owner_user_id_created_at_index',
        'usage_records_user_id_created_at_index',
        'usage_records_api_key_id_created_at_index',
      ]),
    );
  });

  it('OPS-4 a failing migration throws a MigrationError naming it and leaves the schema unchanged', async () => {
    database = await createTestDatabase(dialect, { isMigrated: false });
    // A leftover table the initial migration also creates makes it fail midway.
    await database.db.schema.createTable('usage_records').addColumn('id', 'text').execute();

    const failure = await migrateToLatest(database.db).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MigrationError);
    expect(failure).toMatchObject({ migrationName: '0001-initial', message: expect.stringMatching(/0001-initial.*usage_records/) });
    expect(await listTables(database)).toEqual(['usage_records']);
  });

  it('OPS-2 two processes starting together on an empty database migrate once and agree on one owner', async () => {
    database = await createTestDatabase(dialect, { isMigrated: false });
    const startAtMs = Date.now() + 2_000;

    const outputs = await Promise.all(
      ['first', 'second'].map(async (candidateOwnerId) => {
        const { stdout } = await runFile(process.execPath, ['--import', 'tsx', startInstanceScript, database!.url, candidateOwnerId, String(startAtMs)], {
          cwd: repositoryRoot,
        });
        return JSON.parse(stdout) as { appliedMigrations: string[]; ownerId: string };
      }),
    );

    expect(outputs.flatMap((output) => output.appliedMigrations)).toEqual(Object.keys(migrations).sort());
    expect(new Set(outputs.map((output) => output.ownerId)).size).toBe(1);
    const owners = await database.db.selectFrom('users').select('id').where('role', '=', 'owner').execute();
    expect(owners).toEqual([{ id: outputs[0]?.ownerId }]);
  });
});
