import { newUserRecord, RateLimiter, systemClock } from '@charter/core';
import { RedisRateLimitStore } from '@charter/limits-redis';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '@charter/testing';
import { testDialects } from '@charter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, startTestApp, testActor, type TestApp } from './build-test-app.js';

const tightPlan = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  name: id,
  kind: 'enterprise' as const,
  limits: { requestsPerMinute: 3, requestsPerHour: 100, tokensPerMinute: 1_000_000, concurrentRequests: 10 },
  quota: null,
  allowedModels: null,
  flags: { isNonCommercialOnly: false },
  ...overrides,
});

async function onPlan(test: TestApp, plan: ReturnType<typeof tightPlan>): Promise<string> {
  const plans = test.app.limits!.plans;
  await plans.create(plan);
  const user = newUserRecord({ id: `user_${plan.id}`, email: null, displayName: plan.id, role: 'member', createdAt: new Date() });
  const { SqlUserRepository } = await import('@charter/storage');
  await new SqlUserRepository(test.database.db).create(user);
  await plans.assign({ owner: { ownerType: 'user', ownerId: user.id }, planId: plan.id });
  return (await test.app.services.apiKeys.create(user.id, { name: 'limited' }, testActor)).secret;
}

const chat = (test: TestApp, key: string, content = 'hi') =>
  test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(key), payload: { model: 'fake-model', max_tokens: 10, messages: [{ role: 'user', content }] } });

describe.each(testDialects)('plans and rate limits on %s', (dialect) => {
  let test: TestApp | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('API-5 sends x-ratelimit headers on every inference response and 429 with Retry-After when RPM is spent', async () => {
    test = await startTestApp(dialect);
    const key = await onPlan(test, tightPlan(`rpm_${dialect}`));
    const statuses: number[] = [];
    let lastOk: Record<string, unknown> = {};
    for (let index = 0; index < 5; index++) {
      const response = await chat(test, key);
      statuses.push(response.statusCode);
      if (response.statusCode === 200) lastOk = response.headers;
      else {
        expect(response.json().error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(response.headers['x-ratelimit-limit-requests']).toBe('3');
        expect(response.headers['x-ratelimit-remaining-requests']).toBe('0');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(lastOk['x-ratelimit-limit-requests']).toBe('3');
    expect(lastOk['x-ratelimit-remaining-requests']).toBe('0');
    expect(lastOk['x-ratelimit-limit-tokens']).toBe('1000000');
    expect(String(lastOk['x-ratelimit-reset-requests'])).toMatch(/^\d+(\.\d+)?(ms|s)$|m/);
    await test.app.services.metering.flush();
    const rows = await test.app.services.metering.listByUser({ userId: `user_rpm_${dialect}`, from: new Date(0), to: new Date(Date.now() + 1000) });
    expect(rows.filter((row) => row.errorCode === 'rate_limit_exceeded')).toHaveLength(2);
  });

  it('API-6 refuses with 429 insufficient_quota past a blocking quota; a billing plan keeps serving', async () => {
    test = await startTestApp(dialect);
    const blocked = await onPlan(test, tightPlan(`quota_block_${dialect}`, { limits: { requestsPerMinute: null, requestsPerHour: null, tokensPerMinute: null, concurrentRequests: null }, quota: { period: 'month', unit: 'tokens', amount: 30, overage: 'block' } }));
    const billed = await onPlan(test, tightPlan(`quota_bill_${dialect}`, { limits: { requestsPerMinute: null, requestsPerHour: null, tokensPerMinute: null, concurrentRequests: null }, quota: { period: 'month', unit: 'tokens', amount: 30, overage: 'bill' } }));
    const statuses = async (key: string) => {
      const seen: number[] = [];
      for (let index = 0; index < 6; index++) seen.push((await chat(test!, key, 'tell me a story')).statusCode);
      return seen;
    };
    const blockedStatuses = await statuses(blocked);
    expect(blockedStatuses[0]).toBe(200);
    expect(blockedStatuses).toContain(429);
    const refused = await chat(test, blocked);
    expect(refused.json().error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
    expect(await statuses(billed)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it("API-5 API-4 a key's own limits refuse it on its own window while its owner goes on; rotation keeps them; bad limits change nothing", async () => {
    test = await startTestApp(dialect);
    const keys = (payload: Record<string, unknown>) => test!.app.fastify.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(test!.ownerKey), payload });
    const created = await keys({ name: 'two-a-minute', scopes: { rate_limits: { requests_per_minute: 2 } } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().scopes.rate_limits).toEqual({ requests_per_minute: 2, requests_per_hour: null, tokens_per_minute: null, concurrent_requests: null });
    const limitedKey: string = created.json().key;

    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) statuses.push((await chat(test, limitedKey)).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await chat(test, limitedKey);
    expect(refused.json().error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(refused.json().error.message).toContain('on this API key');
    expect(refused.headers['x-ratelimit-limit-requests']).toBe('2');
    // The owner's account has room left: another key of the same owner is served.
    expect((await chat(test, test.ownerKey)).statusCode).toBe(200);

    const listed = await test.app.fastify.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(test.ownerKey) });
    expect(listed.json().data.find((key: { id: string }) => key.id === created.json().id).scopes.rate_limits.requests_per_minute).toBe(2);
    const rotated = await test.app.fastify.inject({ method: 'POST', url: `/api/v1/keys/${created.json().id}/rotate`, headers: bearer(test.ownerKey) });
    expect(rotated.json().scopes.rate_limits).toEqual(created.json().scopes.rate_limits);

    // A key whose limits are all null has none; bad limits are refused and create nothing.
    expect((await keys({ name: 'none', scopes: { rate_limits: { requests_per_minute: null } } })).json().scopes.rate_limits).toBeNull();
    const count = async () => (await test!.database.db.selectFrom('api_keys').select('id').execute()).length;
    const before = await count();
    for (const [rateLimits, param] of [
      [{ requests_per_minute: 0 }, 'scopes.rate_limits.requests_per_minute'],
      [{ tokens_per_minute: 1_000_000_001 }, 'scopes.rate_limits.tokens_per_minute'],
      [{ concurrent_requests: 1.5 }, undefined],
      [{ rpm: 5 }, undefined],
      ['5', undefined],
    ] as const) {
      const response = await keys({ name: 'bad', scopes: { rate_limits: rateLimits } });
      expect(response.statusCode, JSON.stringify(rateLimits)).toBe(400);
      expect(response.json().error.type).toBe('invalid_request_error');
      if (param) expect(response.json().error.param).toBe(param);
    }
    expect(await count()).toBe(before);
  });

  it('AUP-9 a plan limited to some models refuses the others as not found', async () => {
    test = await startTestApp(dialect);
    const key = await onPlan(test, tightPlan(`models_${dialect}`, { allowedModels: ['another-model'] }));
    const response = await chat(test, key);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('model_not_found');
  });
});

describe('rate limits when Redis fails', () => {
  let test: TestApp | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('API-5 fail_closed answers 503 while Redis is down and recovers by itself when it returns', async () => {
    const port = await freePort();
    const redis = await startRedisServer(port);
    try {
      test = await startTestApp('sqlite', { config: { redis: { url: redis.url }, limits: { redisFailurePolicy: 'fail_closed' } } });
      expect((await chat(test, test.ownerKey)).statusCode).toBe(200);
      await redis.stop();
      const down = await chat(test, test.ownerKey);
      expect(down.statusCode).toBe(503);
      expect(down.json().error.type).toBe('server_error');
      expect((await test.app.fastify.inject({ method: 'GET', url: '/metrics' })).payload).toMatch(/charter_rate_limit_store_degraded 1/);
      expect(test.logs()).toContain('rate-limit store degraded');
      const again = await startRedisServer(port);
      try {
        let status = 0;
        for (let attempt = 0; attempt < 60 && status !== 200; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          status = (await chat(test, test.ownerKey)).statusCode;
        }
        expect(status).toBe(200);
        expect(test.logs()).toContain('rate-limit store recovered');
      } finally {
        await test.close();
        test = undefined;
        await again.stop();
      }
    } finally {
      await redis.stop().catch(() => {});
    }
  });

  it('API-5 fail_open_local keeps serving under per-node limits while Redis is down', async () => {
    const port = await freePort();
    const redis = await startRedisServer(port);
    try {
      test = await startTestApp('sqlite', { config: { redis: { url: redis.url }, limits: { redisFailurePolicy: 'fail_open_local' } } });
      await redis.stop();
      expect((await chat(test, test.ownerKey)).statusCode).toBe(200);
      expect((await test.app.fastify.inject({ method: 'GET', url: '/metrics' })).payload).toMatch(/charter_rate_limit_store_degraded 1/);
    } finally {
      await redis.stop().catch(() => {});
    }
  });
});

describe.each([true, false])('engine start overlapping the reservation (limits.overlapAdmission %s)', (isOverlapped) => {
  it('API-5 a refusal after another node used the room cancels the engine call; a spent window is never overlapped', async () => {
    const redis = await startRedisServer(await freePort());
    const otherNode = new Redis(redis.url);
    const test = await startTestApp('sqlite', { config: { redis: { url: redis.url }, limits: { overlapAdmission: isOverlapped } } });
    try {
      const plan = tightPlan(`overlap_${String(isOverlapped)}`, { limits: { requestsPerMinute: 100, requestsPerHour: null, tokensPerMinute: null, concurrentRequests: null } });
      const key = await onPlan(test, plan);
      const upstreamChats = () => test.upstream.requestsTo('/v1/chat/completions');
      expect((await chat(test, key)).statusCode).toBe(200);
      // Admitted either way, with the same headers, whether or not the engine started first.
      const admitted = await chat(test, key);
      expect(admitted.statusCode).toBe(200);
      expect(admitted.headers['x-ratelimit-remaining-requests']).toBe('98');
      expect(upstreamChats()).toHaveLength(2);

      // Another node takes the rest of the owner's minute; this node last saw 98 of 100 left.
      const limiter = new RateLimiter({ store: new RedisRateLimitStore({ redis: otherNode }), clock: systemClock });
      const owner = { scope: 'owner' as const, id: `user:user_${plan.id}`, limits: { requestsPerMinute: 100, requestsPerHour: null, tokensPerMinute: null, concurrentRequests: null } };
      expect((await limiter.reserve({ subjects: [owner], requestCost: 98, tokenCost: 0 })).isAdmitted).toBe(true);

      test.upstream.configure({ hangBeforeHeadersMs: 5_000 });
      const startedAt = performance.now();
      const refused = await chat(test, key);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('rate_limit_exceeded');
      // The client does not wait for the engine it was never admitted to.
      expect(performance.now() - startedAt).toBeLessThan(4_000);
      // Now this node knows the window is spent: the engine is not called before admission.
      const second = await chat(test, key);
      expect(second.statusCode).toBe(429);

      // Nothing reached the client from the engine for a refused request: any call that got to the upstream was cut.
      await expect.poll(() => upstreamChats().slice(2).every((request) => request.isAborted)).toBe(true);
      expect(upstreamChats().length).toBeLessThanOrEqual(isOverlapped ? 3 : 2);

      // One usage record per request, however it ended; a refused request names the engine only when it was started.
      await test.app.services.metering.flush();
      const rows = await test.app.services.metering.listByUser({ userId: `user_${plan.id}`, from: new Date(0), to: new Date(Date.now() + 1000) });
      const byRequest = new Map(rows.map((row) => [row.requestId, row]));
      expect(rows).toHaveLength(4);
      expect(byRequest.get(String(refused.headers['x-request-id']))).toMatchObject({ status: 'failed', errorCode: 'rate_limit_exceeded', engineId: isOverlapped ? 'fake' : null });
      expect(byRequest.get(String(second.headers['x-request-id']))).toMatchObject({ status: 'failed', errorCode: 'rate_limit_exceeded', engineId: null });
    } finally {
      await test.close();
      otherNode.disconnect();
      await redis.stop();
    }
  });
});
