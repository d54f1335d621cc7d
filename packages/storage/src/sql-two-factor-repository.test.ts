import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, buildUser } from './__fixtures__/build-records.js';
import { openDatabase } from './open-database.js';
import { SqlTwoFactorRepository } from './sql-two-factor-repository.js';
import { SqlUserRepository } from './sql-user-repository.js';

describe.each(testDialects)('SqlTwoFactorRepository on %s', (dialect) => {
  let database: TestDatabase;
  let repository: SqlTwoFactorRepository;
  let userId: string;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    repository = new SqlTwoFactorRepository(database.db);
    const user = buildUser();
    await new SqlUserRepository(database.db).create(user);
    userId = user.id;
  });
  afterEach(() => database.close());

  const enable = (pending = 'sealed-1') => repository.enable(userId, { pendingSecretSealed: pending, acceptedTimeStep: 100, recoveryCodeHashes: ['h1', 'h2'], at: at(2) });

  it('ACC-4 a setup replaces a pending one but never an enabled authenticator; enabling needs the pending secret it saw', async () => {
    expect(await repository.savePending(userId, 'sealed-0', at(1))).toBe(true);
    expect(await repository.savePending(userId, 'sealed-1', at(1))).toBe(true);
    expect(await enable('sealed-0')).toBe(false);
    expect(await repository.isEnabled(userId)).toBe(false);
    expect(await enable('sealed-1')).toBe(true);
    expect(await enable('sealed-1')).toBe(false);
    expect(await repository.find(userId)).toMatchObject({ secretSealed: 'sealed-1', pendingSecretSealed: null, lastUsedTimeStep: 100, enabledAt: at(2) });
    expect(await repository.savePending(userId, 'sealed-2', at(3))).toBe(false);
    expect((await repository.find(userId))?.pendingSecretSealed).toBeNull();
    expect(await repository.countUnusedRecoveryCodes(userId)).toBe(2);
  });

  it('ACC-4 time steps only move forward, and of concurrent uses of one step exactly one wins', async () => {
    await repository.savePending(userId, 'sealed-1', at(1));
    await enable();
    expect(await repository.useTimeStep(userId, 100)).toBe(false);
    expect(await repository.useTimeStep(userId, 99)).toBe(false);
    const connections = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url: database.url })));
    try {
      const results = await Promise.all(connections.map((connection) => new SqlTwoFactorRepository(connection.db).useTimeStep(userId, 101)));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
    expect((await repository.find(userId))?.lastUsedTimeStep).toBe(101);
  });

  it('ACC-4 recovery codes work once, are replaced as a set, and go with the authenticator', async () => {
    await repository.savePending(userId, 'sealed-1', at(1));
    await enable();
    expect(await repository.useRecoveryCode(userId, 'h1', at(3))).toBe(true);
    expect(await repository.useRecoveryCode(userId, 'h1', at(3))).toBe(false);
    expect(await repository.useRecoveryCode('user_other', 'h2', at(3))).toBe(false);
    expect(await repository.countUnusedRecoveryCodes(userId)).toBe(1);
    await repository.replaceRecoveryCodes(userId, ['h3', 'h4', 'h5'], at(4));
    expect(await repository.useRecoveryCode(userId, 'h2', at(5))).toBe(false);
    expect(await repository.countUnusedRecoveryCodes(userId)).toBe(3);
    expect(await repository.disable(userId)).toBe(true);
    expect(await repository.disable(userId)).toBe(false);
    expect(await repository.find(userId)).toBeUndefined();
    expect(await database.db.selectFrom('recovery_codes').selectAll().execute()).toEqual([]);
  });
});
