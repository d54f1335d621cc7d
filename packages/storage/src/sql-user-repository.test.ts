import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, buildUser } from './__fixtures__/build-records.js';
import { openDatabase, type Database } from './open-database.js';
import { SqlUserRepository } from './sql-user-repository.js';

describe.each(testDialects)('SqlUserRepository on %s', (dialect) => {
  let database: TestDatabase;
  let users: SqlUserRepository;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    users = new SqlUserRepository(database.db);
  });
  afterEach(() => database.close());

  it('OPS-1 ensureInstanceOwner creates the owner on first start and returns that owner on later starts', async () => {
    const candidate = buildUser({ role: 'owner', email: 'owner@example.test', displayName: 'Owner', createdAt: at(1) });

    const created = await users.ensureInstanceOwner(candidate);
    const later = await users.ensureInstanceOwner(buildUser({ role: 'owner', createdAt: at(2) }));

    expect(created).toEqual(candidate);
    expect(later).toEqual(candidate);
    expect(await database.db.selectFrom('users').select('id').execute()).toEqual([{ id: candidate.id }]);
  });

  it('OPS-2 concurrent ensureInstanceOwner calls over separate connection pools end with exactly one owner', async () => {
    const connections: Database[] = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url: database.url })));
    try {
      const owners = await Promise.all(
        connections.flatMap((connection) => {
          const repository = new SqlUserRepository(connection.db);
          return [repository.ensureInstanceOwner(buildUser({ role: 'owner' })), repository.ensureInstanceOwner(buildUser({ role: 'owner' }))];
        }),
      );

      expect(new Set(owners.map((owner) => owner.id)).size).toBe(1);
      const rows = await database.db.selectFrom('users').select(['id', 'role']).execute();
      expect(rows).toEqual([{ id: owners[0]?.id, role: 'owner' }]);
    } finally {
      await Promise.all(connections.map((connection) => connection.close()));
    }
  });

  it('OPS-1 findById returns the user with every field, or undefined when there is none', async () => {
    const owner = await users.ensureInstanceOwner(buildUser({ role: 'owner', email: null, createdAt: at(1234) }));

    expect(await users.findById(owner.id)).toEqual(owner);
    expect(await users.findById('no-such-user')).toBeUndefined();
  });

  it('API-4 create inserts a member and refuses a duplicate id or email with a conflict, changing nothing', async () => {
    const member = buildUser({ role: 'member', email: 'member@example.test', createdAt: at(3) });
    await users.create(member);
    expect(await users.findById(member.id)).toEqual(member);
    await expect(users.create(buildUser({ role: 'member', email: 'member@example.test' }))).rejects.toMatchObject({ code: 'conflict' });
    await expect(users.create({ ...member, email: 'other@example.test' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await database.db.selectFrom('users').select('id').execute()).toEqual([{ id: member.id }]);
  });
});
