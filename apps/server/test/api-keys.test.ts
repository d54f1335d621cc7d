import { hashApiKeySecret, newUserRecord, verifyAuditChain } from '@charter/core';
import { SqlApiKeyRepository, SqlAuditLog, SqlUserRepository } from '@charter/storage';
import { testDialects } from '@charter/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, testActor, type TestApp } from './build-test-app.js';

describe.each(testDialects)('API keys on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect);
  });
  afterAll(async () => {
    await test?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, key: string, payload?: unknown) =>
    test.app.fastify.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  it('API-4 creates a key that is shown once, stored only as a hash, with a visible prefix', async () => {
    const created = await call('POST', '/api/v1/keys', test.ownerKey, { name: 'ci' });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.key).toMatch(/^sk-ch-[A-Za-z0-9_-]{43}$/);
    expect(body.key.startsWith(body.prefix)).toBe(true);
    const listed = await call('GET', '/api/v1/keys', test.ownerKey);
    const entry = listed.json().data.find((key: { id: string }) => key.id === body.id);
    expect(entry).toBeDefined();
    expect(entry.key).toBeUndefined();
    expect(JSON.stringify(listed.json())).not.toContain(body.key);
    const rows = await sql<{ secret_hash: string }>`select secret_hash from api_keys where id = ${body.id}`.execute(test.database.db);
    expect(rows.rows[0]!.secret_hash).toBe(hashApiKeySecret(body.key));
    const everything = JSON.stringify((await sql`select * from api_keys`.execute(test.database.db)).rows);
    expect(everything).not.toContain(body.key);
    const works = await call('GET', '/v1/models', body.key);
    expect(works.statusCode).toBe(200);
  });

  it('API-4 revokes a key: it stops working at once', async () => {
    const created = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'to-revoke' })).json();
    expect((await call('GET', '/v1/models', created.key)).statusCode).toBe(200);
    const revoked = await call('POST', `/api/v1/keys/${created.id}/revoke`, test.ownerKey);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    const after = await call('GET', '/v1/models', created.key);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_api_key');
  });

  it('API-4 rotates a key: new secret, same name and scopes, old secret refused', async () => {
    const created = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'to-rotate', scopes: { models: ['fake-model'] } })).json();
    const rotated = await call('POST', `/api/v1/keys/${created.id}/rotate`, test.ownerKey);
    expect(rotated.statusCode).toBe(201);
    const body = rotated.json();
    expect(body).toMatchObject({ name: 'to-rotate', rotated_from_id: created.id, scopes: { models: ['fake-model'], endpoints: null } });
    expect(body.key).not.toBe(created.key);
    expect((await call('GET', '/v1/models', created.key)).statusCode).toBe(401);
    expect((await call('GET', '/v1/models', body.key)).statusCode).toBe(200);
    const again = await call('POST', `/api/v1/keys/${created.id}/rotate`, test.ownerKey);
    expect(again.statusCode).toBe(400);
  });

  it('API-4 refuses an expired key and an expiry in the past', async () => {
    const past = await call('POST', '/api/v1/keys', test.ownerKey, { name: 'past', expires_at: '2001-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.param).toBe('expires_at');
    const soon = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'soon', expires_at: new Date(Date.now() + 1500).toISOString() })).json();
    expect((await call('GET', '/v1/models', soon.key)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await call('GET', '/v1/models', soon.key)).statusCode).toBe(401);
  });

  it('API-4 scopes limit models and endpoints; key management needs its own scope', async () => {
    const limited = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'limited', scopes: { models: ['other-model'], endpoints: ['chat.completions', 'models'] } })).json();
    const models = await call('GET', '/v1/models', limited.key);
    expect(models.json().data).toEqual([]);
    const chat = await call('POST', '/v1/chat/completions', limited.key, { model: 'fake-model', messages: [{ role: 'user', content: 'x' }] });
    expect(chat.statusCode).toBe(404);
    const embeddings = await call('POST', '/v1/embeddings', limited.key, { model: 'fake-model', input: 'x' });
    expect(embeddings.statusCode).toBe(403);
    const inferenceOnly = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'inference' })).json();
    const manage = await call('POST', '/api/v1/keys', inferenceOnly.key, { name: 'escalation' });
    expect(manage.statusCode).toBe(403);
    expect(manage.json().error.type).toBe('permission_error');
  });

  it('API-4 keeps last-used time without a write per request, and records it on flush', async () => {
    const created = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'usage' })).json();
    for (let index = 0; index < 3; index++) expect((await call('GET', '/v1/models', created.key)).statusCode).toBe(200);
    const before = (await call('GET', `/api/v1/keys/${created.id}`, test.ownerKey)).json();
    expect(before.last_used_at).toBeNull();
    await test.app.services.apiKeys.flushLastUsed();
    const after = (await call('GET', `/api/v1/keys/${created.id}`, test.ownerKey)).json();
    expect(Date.parse(after.last_used_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("API-4 user A can never read, revoke or rotate user B's key", async () => {
    const users = new SqlUserRepository(test.database.db);
    const other = newUserRecord({ id: `user_other_${dialect}`, email: `b-${dialect}@example.com`, displayName: 'B', role: 'member', createdAt: new Date() });
    await users.create(other);
    const otherKey = await test.app.services.apiKeys.create(other.id, { name: 'b-key', scopes: { endpoints: ['api_keys', 'models'] } }, testActor);
    for (const [method, url] of [
      ['GET', `/api/v1/keys/${otherKey.apiKey.id}`],
      ['POST', `/api/v1/keys/${otherKey.apiKey.id}/revoke`],
      ['POST', `/api/v1/keys/${otherKey.apiKey.id}/rotate`],
      ['PATCH', `/api/v1/keys/${otherKey.apiKey.id}`],
    ] as const) {
      const response = await call(method, url, test.ownerKey, method === 'PATCH' ? { name: 'taken', scopes: { rate_limits: { requests_per_minute: 1 } } } : undefined);
      expect(response.statusCode).toBe(404);
    }
    const ownList = (await call('GET', '/api/v1/keys', test.ownerKey)).json().data.map((key: { id: string }) => key.id);
    expect(ownList).not.toContain(otherKey.apiKey.id);
    const stillThere = await new SqlApiKeyRepository(test.database.db).findByOwner(other.id, otherKey.apiKey.id);
    expect(stillThere?.revokedAt).toBeNull();
    expect(stillThere).toMatchObject({ name: 'b-key', scopes: { rateLimits: null } });
    const bList = (await call('GET', '/api/v1/keys', otherKey.secret)).json().data.map((key: { id: string }) => key.id);
    expect(bList).toEqual([otherKey.apiKey.id]);
  });

  it('API-4 validates input and changes nothing on bad input', async () => {
    const count = async () => (await call('GET', '/api/v1/keys', test.ownerKey)).json().data.length;
    const before = await count();
    for (const payload of [{}, { name: '' }, { name: 'x', scopes: { endpoints: ['nope'] } }, { name: 'x', expires_at: 'tomorrow' }]) {
      const response = await call('POST', '/api/v1/keys', test.ownerKey, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.type).toBe('invalid_request_error');
    }
    expect(await count()).toBe(before);
  });

  it("API-4 API-5 PATCH renames a key and changes its own rate limits, effective at once; bad input, unknown fields and revoked keys change nothing", async () => {
    const chat = (key: string) => test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(key), payload: { model: 'fake-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] } });
    const created = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'to-update', scopes: { rate_limits: { requests_per_hour: 100 } } })).json();
    const patch = (payload: unknown, id: string = created.id) => call('PATCH', `/api/v1/keys/${id}`, test.ownerKey, payload);

    const renamed = await patch({ name: 'renamed', scopes: { rate_limits: { requests_per_minute: 1 } } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id: created.id, name: 'renamed', prefix: created.prefix, scopes: { rate_limits: { requests_per_minute: 1, requests_per_hour: 100, tokens_per_minute: null, concurrent_requests: null } } });
    expect(renamed.json().key).toBeUndefined();
    // The same secret, now held to one request a minute.
    expect([(await chat(created.key)).statusCode, (await chat(created.key)).statusCode]).toEqual([200, 429]);

    expect((await patch({ scopes: { rate_limits: { requests_per_minute: null } } })).json().scopes.rate_limits).toEqual({ requests_per_minute: null, requests_per_hour: 100, tokens_per_minute: null, concurrent_requests: null });
    expect((await chat(created.key)).statusCode).toBe(200);
    expect((await patch({ scopes: { rate_limits: null } })).json()).toMatchObject({ name: 'renamed', scopes: { rate_limits: null } });

    const stored = async () => new SqlApiKeyRepository(test.database.db).findByOwner(test.app.owner.id, created.id);
    const before = await stored();
    for (const payload of [{}, { name: '' }, { scopes: { rate_limits: { requests_per_minute: 0 } } }, { rate_limits: { requests_per_minute: 5 } }, { scopes: { rate_limits: { requests_per_minute: 5, rpm: 5 } } }]) {
      const response = await patch(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.type).toBe('invalid_request_error');
    }
    expect((await patch({ scopes: { rate_limits: { concurrent_requests: 0 } } })).json().error.param).toBe('scopes.rate_limits.concurrent_requests');
    expect(await stored()).toEqual(before);

    await call('POST', `/api/v1/keys/${created.id}/revoke`, test.ownerKey);
    const revoked = await patch({ name: 'after revocation' });
    expect(revoked.statusCode).toBe(400);
    expect((await stored())?.name).toBe('renamed');
    expect((await patch({ name: 'x' }, 'key_missing')).statusCode).toBe(404);
  });

  it('API-4 PATCH changes the models and endpoints a key may use, at once; null lifts a restriction; bad lists change nothing', async () => {
    const created = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'rescoped', scopes: { rate_limits: { requests_per_hour: 500 } } })).json();
    const patch = (payload: unknown) => call('PATCH', `/api/v1/keys/${created.id}`, test.ownerKey, payload);
    const chat = async () => (await test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(created.key), payload: { model: 'fake-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] } })).statusCode;
    const models = async () => (await test.app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.key) })).statusCode;
    expect(await chat()).toBe(200);

    const listOnly = await patch({ scopes: { endpoints: ['models'] } });
    expect(listOnly.statusCode, listOnly.body).toBe(200);
    // Only what was named changed: the limits stay.
    expect(listOnly.json().scopes).toMatchObject({ models: null, endpoints: ['models'], rate_limits: { requests_per_hour: 500 } });
    expect([await chat(), await models()]).toEqual([403, 200]);

    expect((await patch({ scopes: { endpoints: null, models: ['another-model'] } })).json().scopes).toMatchObject({ models: ['another-model'], endpoints: null });
    expect(await chat()).toBe(404);
    expect((await patch({ scopes: { models: null } })).json().scopes).toMatchObject({ models: null, endpoints: null, rate_limits: { requests_per_hour: 500 } });
    expect(await chat()).toBe(200);

    const stored = async () => new SqlApiKeyRepository(test.database.db).findByOwner(test.app.owner.id, created.id);
    const before = await stored();
    for (const payload of [{ scopes: { endpoints: ['bogus'] } }, { scopes: { models: [] } }, { scopes: { endpoints: [] } }, { scopes: {} }, { scopes: { models: [''] } }]) {
      const response = await patch(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.type).toBe('invalid_request_error');
    }
    expect(await stored()).toEqual(before);
  });

  it('API-4 concurrent PATCHes of one key each change their own field and none is lost', async () => {
    const created = (await call('POST', '/api/v1/keys', test.ownerKey, { name: 'patched-at-once' })).json();
    const changes = [
      { name: 'renamed-at-once' },
      { scopes: { rate_limits: { requests_per_minute: 11 } } },
      { scopes: { rate_limits: { requests_per_hour: 22 } } },
      { scopes: { rate_limits: { tokens_per_minute: 33 } } },
      { scopes: { rate_limits: { concurrent_requests: 4 } } },
    ];
    const responses = await Promise.all(changes.map((payload) => call('PATCH', `/api/v1/keys/${created.id}`, test.ownerKey, payload)));
    expect(responses.map((response) => response.statusCode)).toEqual(changes.map(() => 200));
    const stored = await new SqlApiKeyRepository(test.database.db).findByOwner(test.app.owner.id, created.id);
    expect(stored).toMatchObject({ name: 'renamed-at-once', scopes: { rateLimits: { requestsPerMinute: 11, requestsPerHour: 22, tokensPerMinute: 33, concurrentRequests: 4 } } });
    // Each answer shows the key as that PATCH left it, so the last one written carries every change.
    expect(responses.some((response) => response.json().name === 'renamed-at-once' && response.json().scopes.rate_limits?.concurrent_requests === 4 && response.json().scopes.rate_limits?.requests_per_minute === 11)).toBe(true);
  });

  it('API-4 ADM-4 creation, rotation and revocation are audited in an intact hash chain without secrets', async () => {
    const created = await call('POST', '/api/v1/keys', test.ownerKey, { name: 'audited' });
    await call('PATCH', `/api/v1/keys/${created.json().id}`, test.ownerKey, { name: 'audited and renamed' });
    const rotated = (await call('POST', `/api/v1/keys/${created.json().id}/rotate`, test.ownerKey)).json();
    await call('POST', `/api/v1/keys/${rotated.id}/revoke`, test.ownerKey);
    const events = await new SqlAuditLog(test.database.db, dialect).list({ afterSequence: 0, limit: 1000 });
    expect(verifyAuditChain(events)).toEqual({ isIntact: true, brokenAtSequence: null });
    const mine = events.filter((event) => event.targetId === created.json().id || event.targetId === rotated.id);
    expect(mine.map((event) => event.action)).toEqual(['api_key.created', 'api_key.updated', 'api_key.rotated', 'api_key.revoked']);
    expect(mine[0]!.actor).toMatchObject({ userId: test.app.owner.id, via: 'api', requestId: created.headers['x-request-id'] });
    expect(JSON.stringify(events)).not.toContain(created.json().key);
    expect(JSON.stringify(events)).not.toContain(rotated.key);
  });
});
