import type { User } from '@charter/core';
import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, buildApiKey, insertUser } from './__fixtures__/build-records.js';
import { SqlApiKeyRepository } from './sql-api-key-repository.js';

describe.each(testDialects)('SqlApiKeyRepository on %s', (dialect) => {
  let database: TestDatabase;
  let apiKeys: SqlApiKeyRepository;
  let alice: User;
  let bob: User;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    apiKeys = new SqlApiKeyRepository(database.db);
    alice = await insertUser(database.db);
    bob = await insertUser(database.db);
  });
  afterEach(() => database.close());

  const countKeys = async () => (await database.db.selectFrom('api_keys').select('id').execute()).length;

  it('API-4 insert stores every field; findByOwner and listByOwner read it back, newest first', async () => {
    const older = buildApiKey({
      ownerUserId: alice.id,
      organizationId: 'org_1',
      name: 'ci',
      scopes: { models: ['small-model'], endpoints: ['chat.completions', 'embeddings'], rateLimits: null },
      expiresAt: at(86_400_000),
      createdAt: at(1),
      lastUsedAt: at(5),
    });
    const newer = buildApiKey({ ownerUserId: alice.id, createdAt: at(2), revokedAt: at(3), rotatedFromId: older.id });
    await apiKeys.insert(older);
    await apiKeys.insert(newer);

    expect(await apiKeys.findByOwner(alice.id, older.id)).toEqual(older);
    expect(await apiKeys.listByOwner(alice.id)).toEqual([newer, older]);
  });

  it('API-4 another user cannot list, find, revoke or replace a key they do not own', async () => {
    const aliceKey = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(aliceKey);
    const bobReplacement = buildApiKey({ ownerUserId: bob.id });

    expect(await apiKeys.listByOwner(bob.id)).toEqual([]);
    expect(await apiKeys.findByOwner(bob.id, aliceKey.id)).toBeUndefined();
    expect(await apiKeys.revoke(bob.id, aliceKey.id, at(10))).toBe(false);
    expect(await apiKeys.replace(bob.id, aliceKey.id, bobReplacement, at(10))).toBe(false);

    expect(await apiKeys.findByOwner(alice.id, aliceKey.id)).toEqual(aliceKey);
    expect(await apiKeys.findBySecretHash(bobReplacement.secretHash)).toBeUndefined();
    expect(await countKeys()).toBe(1);
  });

  it('API-4 findBySecretHash finds the key whose hash matches, and nothing else', async () => {
    const aliceKey = buildApiKey({ ownerUserId: alice.id });
    const bobKey = buildApiKey({ ownerUserId: bob.id });
    await apiKeys.insert(aliceKey);
    await apiKeys.insert(bobKey);

    expect(await apiKeys.findBySecretHash(bobKey.secretHash)).toEqual(bobKey);
    expect(await apiKeys.findBySecretHash('0'.repeat(64))).toBeUndefined();
  });

  it('API-4 revoke marks an active key revoked once and reports false afterwards', async () => {
    const key = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(key);

    expect(await apiKeys.revoke(alice.id, key.id, at(100))).toBe(true);
    expect(await apiKeys.revoke(alice.id, key.id, at(200))).toBe(false);
    expect(await apiKeys.revoke(alice.id, 'no-such-key', at(200))).toBe(false);
    expect((await apiKeys.findByOwner(alice.id, key.id))?.revokedAt).toEqual(at(100));
  });

  it('API-4 replace revokes the old key and inserts its replacement together', async () => {
    const old = buildApiKey({ ownerUserId: alice.id, createdAt: at(1) });
    await apiKeys.insert(old);
    const replacement = buildApiKey({ ownerUserId: alice.id, createdAt: at(50), rotatedFromId: old.id });

    expect(await apiKeys.replace(alice.id, old.id, replacement, at(50))).toBe(true);

    expect(await apiKeys.listByOwner(alice.id)).toEqual([replacement, { ...old, revokedAt: at(50) }]);
  });

  it('API-4 replace changes nothing when the old key is revoked or expired', async () => {
    const revoked = buildApiKey({ ownerUserId: alice.id, revokedAt: at(5) });
    const expired = buildApiKey({ ownerUserId: alice.id, expiresAt: at(10) });
    await apiKeys.insert(revoked);
    await apiKeys.insert(expired);
    const before = await apiKeys.listByOwner(alice.id);

    expect(await apiKeys.replace(alice.id, revoked.id, buildApiKey({ ownerUserId: alice.id }), at(20))).toBe(false);
    expect(await apiKeys.replace(alice.id, expired.id, buildApiKey({ ownerUserId: alice.id }), at(20))).toBe(false);

    expect(await apiKeys.listByOwner(alice.id)).toEqual(before);
  });

  it('API-4 replace refuses a replacement that belongs to someone else and changes nothing', async () => {
    const old = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(old);

    await expect(apiKeys.replace(alice.id, old.id, buildApiKey({ ownerUserId: bob.id }), at(10))).rejects.toMatchObject({
      code: 'invalid_request_error',
    });

    expect(await apiKeys.findByOwner(alice.id, old.id)).toEqual(old);
    expect(await countKeys()).toBe(1);
  });

  it('API-4 of two concurrent replacements of one key exactly one wins', async () => {
    const old = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(old);
    const second = new SqlApiKeyRepository(database.db);

    const outcomes = await Promise.all([
      apiKeys.replace(alice.id, old.id, buildApiKey({ ownerUserId: alice.id }), at(10)),
      second.replace(alice.id, old.id, buildApiKey({ ownerUserId: alice.id }), at(11)),
      apiKeys.replace(alice.id, old.id, buildApiKey({ ownerUserId: alice.id }), at(12)),
    ]);

    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await countKeys()).toBe(2);
  });

  it('API-4 a replacement that clashes on secret hash fails with conflict and leaves the old key active', async () => {
    const old = buildApiKey({ ownerUserId: alice.id });
    const other = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(old);
    await apiKeys.insert(other);
    const clashing = buildApiKey({ ownerUserId: alice.id, secretHash: other.secretHash });

    await expect(apiKeys.replace(alice.id, old.id, clashing, at(10))).rejects.toMatchObject({ code: 'conflict' });

    expect(await apiKeys.findByOwner(alice.id, old.id)).toEqual(old);
    expect(await apiKeys.findByOwner(alice.id, clashing.id)).toBeUndefined();
    expect(await countKeys()).toBe(2);
  });

  it('API-4 inserting a duplicate secret hash or id fails with a conflict error', async () => {
    const key = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(key);

    await expect(apiKeys.insert(buildApiKey({ ownerUserId: bob.id, secretHash: key.secretHash }))).rejects.toMatchObject({ code: 'conflict' });
    await expect(apiKeys.insert(buildApiKey({ ownerUserId: bob.id, id: key.id }))).rejects.toMatchObject({ code: 'conflict' });
    expect(await countKeys()).toBe(1);
  });

  it('API-4 a key for an unknown owner is rejected', async () => {
    await expect(apiKeys.insert(buildApiKey({ ownerUserId: 'no-such-user' }))).rejects.toThrow(/foreign key/i);
    expect(await countKeys()).toBe(0);
  });

  it('API-4 recordLastUsed stores the latest time per key in one batch and never moves it backwards', async () => {
    const first = buildApiKey({ ownerUserId: alice.id });
    const second = buildApiKey({ ownerUserId: bob.id, lastUsedAt: at(500) });
    await apiKeys.insert(first);
    await apiKeys.insert(second);

    await apiKeys.recordLastUsed([
      { apiKeyId: first.id, lastUsedAt: at(300) },
      { apiKeyId: first.id, lastUsedAt: at(100) },
      { apiKeyId: second.id, lastUsedAt: at(400) },
      { apiKeyId: 'no-such-key', lastUsedAt: at(400) },
    ]);
    expect((await apiKeys.findByOwner(alice.id, first.id))?.lastUsedAt).toEqual(at(300));
    expect((await apiKeys.findByOwner(bob.id, second.id))?.lastUsedAt).toEqual(at(500));

    await apiKeys.recordLastUsed([{ apiKeyId: first.id, lastUsedAt: at(200) }]);
    await apiKeys.recordLastUsed([]);
    expect((await apiKeys.findByOwner(alice.id, first.id))?.lastUsedAt).toEqual(at(300));

    await apiKeys.recordLastUsed([{ apiKeyId: second.id, lastUsedAt: at(600) }]);
    expect((await apiKeys.findByOwner(bob.id, second.id))?.lastUsedAt).toEqual(at(600));
  });

  it('API-4 a key whose stored scopes are unreadable fails closed instead of granting everything', async () => {
    const key = buildApiKey({ ownerUserId: alice.id, scopes: { models: ['small-model'], endpoints: null, rateLimits: null } });
    await apiKeys.insert(key);
    await database.db.updateTable('api_keys').set({ scopes_json: '{}' }).where('id', '=', key.id).execute();

    await expect(apiKeys.findBySecretHash(key.secretHash)).rejects.toThrow(/unreadable scopes/);
  });

  it("API-5 a key's own rate limits are stored with it; a key stored before keys had them reads as none; damaged ones fail closed", async () => {
    const rateLimits = { requestsPerMinute: 5, requestsPerHour: null, tokensPerMinute: 2_000, concurrentRequests: 1 };
    const limited = buildApiKey({ ownerUserId: alice.id, scopes: { models: null, endpoints: ['chat.completions'], rateLimits } });
    await apiKeys.insert(limited);
    expect((await apiKeys.findBySecretHash(limited.secretHash))?.scopes).toEqual({ models: null, endpoints: ['chat.completions'], rateLimits });

    const older = buildApiKey({ ownerUserId: alice.id });
    await apiKeys.insert(older);
    await database.db.updateTable('api_keys').set({ scopes_json: '{"models":null,"endpoints":null}' }).where('id', '=', older.id).execute();
    expect((await apiKeys.findBySecretHash(older.secretHash))?.scopes).toEqual({ models: null, endpoints: null, rateLimits: null });

    for (const damaged of ['{"requestsPerMinute":0,"requestsPerHour":null,"tokensPerMinute":null,"concurrentRequests":null}', '{"requestsPerMinute":"5"}', '7']) {
      await database.db.updateTable('api_keys').set({ scopes_json: `{"models":null,"endpoints":null,"rateLimits":${damaged}}` }).where('id', '=', limited.id).execute();
      await expect(apiKeys.findBySecretHash(limited.secretHash), damaged).rejects.toThrow(/unreadable scopes/);
    }
  });
});
