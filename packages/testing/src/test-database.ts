import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase, redactDatabaseUrl, type Database } from '@charter/storage';

/** Every dialect the suites run on; use with `describe.each(testDialects)`. */
export const testDialects = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof testDialects)[number];

/** A throwaway database. `url` reaches the same database through `openDatabase({ url })`. */
export interface TestDatabase extends Database {
  url: string;
}

export interface CreateTestDatabaseOptions {
  /** Run the migrations before returning (default true); false gives an empty database. */
  isMigrated?: boolean;
}

const defaultTestDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh database: SQLite in a temporary directory, or a new randomly named schema in the PostgreSQL
 * database at `TEST_DATABASE_URL`. `close()` deletes it. When PostgreSQL is unreachable this throws, so
 * the suite fails instead of silently skipping.
 */
export async function createTestDatabase(dialect: TestDialect = 'sqlite', options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const isMigrated = options.isMigrated ?? true;
  return dialect === 'sqlite' ? createSqliteTestDatabase(isMigrated) : createPostgresTestDatabase(isMigrated);
}

async function createSqliteTestDatabase(isMigrated: boolean): Promise<TestDatabase> {
  // A directory, not just a file, so the -wal and -shm files go with it.
  const directory = await mkdtemp(join(tmpdir(), 'charter-test-'));
  const url = join(directory, 'charter.db');
  const removeDirectory = () => rm(directory, { recursive: true, force: true });
  let database: Database | undefined;
  try {
    database = await openDatabase({ url });
    if (isMigrated) {
      await migrateToLatest(database.db);
    }
  } catch (error) {
    await database?.close();
    await removeDirectory();
    throw error;
  }
  const opened = database;
  return {
    db: opened.db,
    dialect: 'sqlite',
    url,
    close: once(async () => {
      await opened.close();
      await removeDirectory();
    }),
  };
}

async function createPostgresTestDatabase(isMigrated: boolean): Promise<TestDatabase> {
  const baseUrl = process.env['TEST_DATABASE_URL'] ?? defaultTestDatabaseUrl;
  let admin: Database;
  try {
    admin = await openDatabase({ url: baseUrl, maxConnections: 1 });
  } catch (error) {
    throw new Error(
      `createTestDatabase('postgres'): PostgreSQL is unreachable at ${redactDatabaseUrl(baseUrl)}. ` +
        'Start it or point TEST_DATABASE_URL at one; PostgreSQL tests never skip.',
      { cause: error },
    );
  }
  const schema = `test_${randomBytes(8).toString('hex')}`;
  const dropSchema = async () => {
    await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await admin.close();
  };
  let database: Database | undefined;
  const url = withSearchPath(baseUrl, schema);
  try {
    await admin.db.schema.createSchema(schema).execute();
    database = await openDatabase({ url });
    if (isMigrated) {
      await migrateToLatest(database.db);
    }
  } catch (error) {
    await database?.close();
    await dropSchema();
    throw error;
  }
  const opened = database;
  return {
    db: opened.db,
    dialect: 'postgres',
    url,
    close: once(async () => {
      await opened.close();
      await dropSchema();
    }),
  };
}

// The search_path travels in the url (a startup parameter) so every pooled connection, including those
// opened by other code from `url`, lands in the test schema.
function withSearchPath(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  const existingOptions = url.searchParams.get('options');
  url.searchParams.set('options', [existingOptions, `-c search_path=${schema}`].filter(Boolean).join(' '));
  // URLSearchParams writes spaces as '+', which not every libpq-style parser reads back as a space.
  url.search = url.searchParams.toString().replace(/\+/g, '%20');
  return url.toString();
}

function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
