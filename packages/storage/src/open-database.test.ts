import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestDatabase } from '@charter/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, parseDatabaseUrl, type Database } from './open-database.js';
import { DatabaseConnectionError, DatabaseUrlError } from './storage-errors.js';

describe('parseDatabaseUrl', () => {
  it('OPS-1 tells SQLite paths, file: URLs and :memory: from PostgreSQL urls', () => {
    expect(parseDatabaseUrl('postgres://user@host/db')).toEqual({ dialect: 'postgres', connectionString: 'postgres://user@host/db' });
    expect(parseDatabaseUrl('postgresql://user@host/db').dialect).toBe('postgres');
    expect(parseDatabaseUrl(':memory:')).toEqual({ dialect: 'sqlite', filename: ':memory:' });
    expect(parseDatabaseUrl('file::memory:')).toEqual({ dialect: 'sqlite', filename: ':memory:' });
    expect(parseDatabaseUrl('/var/lib/charter/charter.db')).toEqual({ dialect: 'sqlite', filename: '/var/lib/charter/charter.db' });
    expect(parseDatabaseUrl('data/charter.db')).toEqual({ dialect: 'sqlite', filename: resolve('data/charter.db') });
    expect(parseDatabaseUrl('file:data/charter.db')).toEqual({ dialect: 'sqlite', filename: resolve('data/charter.db') });
    expect(parseDatabaseUrl('file:///var/lib/charter/my%20db.db')).toEqual({ dialect: 'sqlite', filename: '/var/lib/charter/my db.db' });
  });

  it('OPS-4 an empty url or an unsupported scheme fails with a clear error', () => {
    expect(() => parseDatabaseUrl('  ')).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl('mysql://root@localhost/charter')).toThrow(/scheme `mysql:` is not supported/);
  });
});

describe('openDatabase on SQLite', () => {
  let directory: string;
  let database: Database | undefined;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'charter-open-'));
  });
  afterEach(async () => {
    await database?.close();
    database = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  it('OPS-1 opens a file: URL in a new directory with WAL, a busy timeout and foreign keys on', async () => {
    const filename = join(directory, 'nested', 'charter.db');
    database = await openDatabase({ url: pathToFileURL(filename).href });

    const pragma = async (name: string) => (await sql.raw(`pragma ${name}`).execute(database!.db)).rows[0];
    expect(database.dialect).toBe('sqlite');
    expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
    expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
  });

  it('OPS-1 opens :memory: as a working database', async () => {
    database = await openDatabase({ url: ':memory:' });

    expect((await sql<{ answer: number }>`select 42 as answer`.execute(database.db)).rows).toEqual([{ answer: 42 }]);
  });
});

describe('openDatabase on PostgreSQL', () => {
  it('OPS-4 an unreachable server fails at open, naming the url with its password hidden', async () => {
    const failure = await openDatabase({ url: 'postgres://charter:s3cret@127.0.0.1:1/charter' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DatabaseConnectionError);
    expect(String(failure)).toMatch(/Cannot connect to PostgreSQL at postgres:\/\/charter:\*\*\*@127\.0\.0\.1:1\/charter: .+/);
    expect(String(failure)).not.toContain('s3cret');
  });

  it('OPS-2 int8 comes back as a number on our pool only, and out-of-range values fail loudly', async () => {
    const testDatabase = await createTestDatabase('postgres');
    try {
      const { rows } = await sql<{ largest: number; count: number }>`select 9007199254740991::int8 as largest, count(*) as count`.execute(testDatabase.db);
      expect(rows).toEqual([{ largest: Number.MAX_SAFE_INTEGER, count: 1 }]);
      await expect(sql`select 9007199254740993::int8 as too_large`.execute(testDatabase.db)).rejects.toThrow(RangeError);
      // The process-wide pg defaults are untouched for anyone else using pg.
      expect(pg.types.getTypeParser(pg.types.builtins.INT8)('5')).toBe('5');
    } finally {
      await testDatabase.close();
    }
  });
});
