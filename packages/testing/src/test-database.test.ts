import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase } from '@charter/storage';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './test-database.js';

describe('createTestDatabase', () => {
  const originalUrl = process.env['TEST_DATABASE_URL'];
  afterEach(() => {
    if (originalUrl === undefined) {
      delete process.env['TEST_DATABASE_URL'];
    } else {
      process.env['TEST_DATABASE_URL'] = originalUrl;
    }
  });

  it('OPS-4 gives a migrated SQLite file in the temp directory that close removes', async () => {
    const database = await createTestDatabase('sqlite');
    expect(database.dialect).toBe('sqlite');
    expect(existsSync(database.url)).toBe(true);
    expect(await database.db.selectFrom('users').selectAll().execute()).toEqual([]);

    await database.close();
    await database.close();

    expect(existsSync(dirname(database.url))).toBe(false);
  });

  it('OPS-4 gives a fresh migrated PostgreSQL schema that its url reaches and close drops', async () => {
    const database = await createTestDatabase('postgres');
    const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema;
    expect(schema).toMatch(/^test_[0-9a-f]{16}$/);

    const other = await openDatabase({ url: database.url });
    try {
      await other.db.insertInto('users').values({ id: 'u1', email: null, display_name: 'Someone', role: 'member', created_at: 0 }).execute();
      expect(await database.db.selectFrom('users').select('id').execute()).toEqual([{ id: 'u1' }]);
    } finally {
      await other.close();
    }
    await database.close();

    const admin = await openDatabase({ url: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' });
    try {
      const { rows } = await sql<{ count: number }>`select count(*) as count from pg_namespace where nspname = ${schema}`.execute(admin.db);
      expect(rows).toEqual([{ count: 0 }]);
    } finally {
      await admin.close();
    }
  });

  it('OPS-4 throws a clear error when PostgreSQL is unreachable instead of skipping', async () => {
    process.env['TEST_DATABASE_URL'] = 'postgres://postgres@127.0.0.1:1/test';

    await expect(createTestDatabase('postgres')).rejects.toThrow(/PostgreSQL is unreachable at postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
  });
});
