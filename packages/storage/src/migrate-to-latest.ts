import { setTimeout as sleep } from 'node:timers/promises';
import { Migrator, SqliteAdapter, sql, type Kysely, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DatabaseSchema } from './database-schema.js';
import { migrations } from './migrations/index.js';
import { describeError } from './error-details.js';
import { MigrationError } from './storage-errors.js';

/** What one `migrateToLatest` call did. */
export interface MigrationRun {
  /** Migrations this call applied, in order; empty when the schema was already current. */
  appliedMigrations: string[];
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema up to date. Safe to call on every start, from several processes at once: all pending
 * migrations run in one transaction under a lock, so each runs exactly once and a failure leaves the schema
 * as it was. Throws `MigrationError` naming the failed migration.
 */
export async function migrateToLatest(db: Kysely<DatabaseSchema>): Promise<MigrationRun> {
  let resultSet: MigrationResultSet;
  try {
    resultSet = isSqlite(db) ? await migrateSqlite(db) : await migratePostgres(db);
  } catch (error) {
    if (error instanceof MigrationError) {
      throw error;
    }
    throw new MigrationError(`Database migrations could not run: ${describeError(error)}`, { cause: error });
  }
  if (resultSet.error !== undefined) {
    const migrationName = resultSet.results?.find((result) => result.status === 'Error')?.migrationName;
    const what = migrationName === undefined ? 'Database migrations could not run' : `Database migration ${migrationName} failed`;
    throw new MigrationError(`${what}: ${describeError(resultSet.error)}. Nothing from this run was applied.`, {
      migrationName,
      cause: resultSet.error,
    });
  }
  return {
    appliedMigrations: (resultSet.results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName),
  };
}

// Kysely's built-in PostgreSQL lock (a session advisory lock) serialises concurrent starts, and each run is
// one transaction. The bookkeeping tables are pinned to the current schema: Kysely otherwise looks for them
// in any schema and would be fooled by another schema in the same database (e.g. parallel test schemas).
async function migratePostgres(db: Kysely<DatabaseSchema>): Promise<MigrationResultSet> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) {
    throw new MigrationError('Database migrations could not run: no schema on the PostgreSQL search_path exists.');
  }
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  for (let attempt = 1; ; attempt += 1) {
    const resultSet = await migrator.migrateToLatest();
    if (attempt >= catalogRaceAttempts || resultSet.results !== undefined || !isCatalogRace(resultSet.error)) {
      return resultSet;
    }
    await sleep(attempt * 50 + Math.random() * 50);
  }
}

// Before taking its lock, Kysely checks for its bookkeeping tables by introspecting every schema, with
// catalog functions that fail when another schema or table is dropped at that moment (parallel test
// schemas, tenant clean-up) or altered mid-migration (42703 undefined column). Nothing has run then
// (`results` is unset), so trying again is safe.
const catalogRaceAttempts = 8;
const catalogRaceCodes = new Set(['3F000', '42P01', '42703', 'XX000']);

function isCatalogRace(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && catalogRaceCodes.has(error.code);
}

// Kysely takes no lock on SQLite and opens a deferred transaction, so a second process would fail with
// SQLITE_BUSY when upgrading to write. BEGIN IMMEDIATE takes the write lock up front (waiting busy_timeout),
// so the second process simply finds the work done.
async function migrateSqlite(db: Kysely<DatabaseSchema>): Promise<MigrationResultSet> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let resultSet: MigrationResultSet;
    try {
      resultSet = await new Migrator({ db: connection, provider, disableTransactions: true }).migrateToLatest();
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
    await sql.raw(resultSet.error === undefined ? 'commit' : 'rollback').execute(connection);
    return resultSet;
  });
}

// The adapter is the only dialect marker on a Kysely instance; callers pass just `db`.
function isSqlite(db: Kysely<DatabaseSchema>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
