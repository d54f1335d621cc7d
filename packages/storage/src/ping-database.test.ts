import { createTestDatabase, testDialects } from '@charter/testing';
import { describe, expect, it } from 'vitest';
import { pingDatabase } from './ping-database.js';
import { DatabaseConnectionError } from './storage-errors.js';

describe.each(testDialects)('pingDatabase on %s', (dialect) => {
  it('API-9 resolves while the database answers and rejects once it is gone', async () => {
    const database = await createTestDatabase(dialect);
    await expect(pingDatabase(database.db)).resolves.toBeUndefined();

    await database.close();

    await expect(pingDatabase(database.db)).rejects.toBeInstanceOf(DatabaseConnectionError);
  });
});
