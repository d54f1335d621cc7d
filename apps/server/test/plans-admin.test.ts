import { newUserRecord, verifyAuditChain } from '@charter/core';
import { SqlApiKeyRepository, SqlAuditLog, SqlUserRepository } from '@charter/storage';
import { testDialects } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, testActor, type TestApp } from './build-test-app.js';

const team = {
  id: 'team',
  name: 'Team',
  kind: 'monthly',
  limits: { requests_per_minute: 60, requests_per_hour: 1_000, tokens_per_minute: 100_000, concurrent_requests: null },
  quota: { period: 'month', unit: 'tokens', amount: 5_000_000, overage: 'bill' },
  allowed_models: ['fake-model'],
  flags: { is_non_commercial_only: false },
};

describe.each(testDialects)('Plan administration on %s', (dialect) => {
  let test: TestApp;
  let adminKey: string;
  let memberId: string;
  let memberAdminKey: string;
  let memberAdminKeyId: string;
  beforeAll(async () => {
    test = await startTestApp(dialect);
    adminKey = (await test.app.services.apiKeys.create(test.app.owner.id, { name: 'admin', scopes: { endpoints: ['admin'] } }, testActor)).secret;
    memberId = `user_member_${dialect}`;
    await new SqlUserRepository(test.database.db).create(newUserRecord({ id: memberId, email: `member-${dialect}@example.com`, displayName: 'Member', role: 'member', createdAt: new Date() }));
    // The service no longer gives `admin` to anyone but the instance owner; a row from before that rule still may
    // carry it, and must administer nothing.
    const memberKey = await test.app.services.apiKeys.create(memberId, { name: 'member admin', scopes: { endpoints: ['api_keys', 'usage'] } }, testActor);
    await new SqlApiKeyRepository(test.database.db).updateSettings(memberId, memberKey.apiKey.id, (current) => ({ name: current.name, scopes: { ...current.scopes, endpoints: ['admin', 'api_keys', 'usage'] } }));
    memberAdminKey = memberKey.secret;
    memberAdminKeyId = memberKey.apiKey.id;
  });
  afterAll(async () => {
    await test?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, key = adminKey, payload?: unknown) =>
    test.app.fastify.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const auditEvents = () => new SqlAuditLog(test.database.db, dialect).list({ afterSequence: 0, limit: 10_000 });

  it('BIL-1 the default plans exist at start and are listed to the instance owner', async () => {
    const response = await call('GET', '/api/v1/admin/plans');
    expect(response.statusCode).toBe(200);
    expect(response.json().data.map((plan: { id: string }) => plan.id)).toEqual(['annual', 'enterprise', 'free', 'monthly', 'pay_as_you_go']);
    expect(response.json().data[2]).toMatchObject({ object: 'plan', kind: 'free', flags: { is_non_commercial_only: true }, limits: { requests_per_minute: 20 } });
  });


  it('BIL-1 concurrent PATCHes of one plan each change their own field and none is lost', async () => {
    const created = await call('POST', '/api/v1/admin/plans', adminKey, { ...team, id: 'team_patched_at_once' });
    expect(created.statusCode, created.body).toBe(201);
    const changes = [
      { name: 'Patched at once' },
      { limits: { requests_per_minute: 11 } },
      { limits: { requests_per_hour: 222 } },
      { limits: { tokens_per_minute: 3_333 } },
      { limits: { concurrent_requests: 4 } },
      { flags: { is_non_commercial_only: true } },
    ];
    const responses = await Promise.all(changes.map((payload) => call('PATCH', '/api/v1/admin/plans/team_patched_at_once', adminKey, payload)));
    expect(responses.map((response) => response.statusCode)).toEqual(changes.map(() => 200));
    expect((await call('GET', '/api/v1/admin/plans/team_patched_at_once')).json()).toMatchObject({
      name: 'Patched at once',
      limits: { requests_per_minute: 11, requests_per_hour: 222, tokens_per_minute: 3_333, concurrent_requests: 4 },
      flags: { is_non_commercial_only: true },
      quota: team.quota,
    });
    const updates = (await auditEvents()).filter((event) => event.action === 'plan.updated' && event.targetId === 'team_patched_at_once');
    expect(updates).toHaveLength(changes.length);
  });
  it('BIL-1 only the instance owner with a key naming the admin scope may administer plans', async () => {
    const denied = [
      ['GET', '/api/v1/admin/plans', test.ownerKey, undefined],
      ['POST', '/api/v1/admin/plans', test.ownerKey, { ...team, id: 'sneaky' }],
      ['GET', '/api/v1/admin/plans', memberAdminKey, undefined],
      ['POST', '/api/v1/admin/plans', memberAdminKey, { ...team, id: 'sneaky' }],
      ['PUT', '/api/v1/admin/plans/enterprise/assignments', memberAdminKey, { owner_type: 'user', owner_id: memberId }],
      ['DELETE', '/api/v1/admin/plans/monthly', memberAdminKey, undefined],
    ] as const;
    for (const [method, url, key, payload] of denied) {
      const response = await call(method, url, key, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().error.type).toBe('permission_error');
    }
    expect((await call('GET', '/api/v1/admin/plans/sneaky')).statusCode).toBe(404);
    expect((await test.app.services.plans.effectivePlan({ ownerType: 'user', ownerId: memberId })).planId).toBe('free');
    expect((await test.app.fastify.inject({ method: 'GET', url: '/api/v1/admin/plans' })).statusCode).toBe(401);
    // Such a key keeps the scope it has through other changes (only granting it is refused), and still administers nothing.
    const renamed = await test.app.services.apiKeys.update(memberId, memberAdminKeyId, { name: 'renamed', endpoints: ['admin', 'usage'] }, testActor);
    expect([renamed.name, renamed.scopes.endpoints]).toEqual(['renamed', ['admin', 'usage']]);
    expect((await call('GET', '/api/v1/admin/plans', memberAdminKey)).statusCode).toBe(403);
  });

  it('BIL-1 ADM-4 create, change, assign, unassign and delete a plan, each audited in an intact chain', async () => {
    const created = await call('POST', '/api/v1/admin/plans', adminKey, team);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...team, object: 'plan' });
    expect((await call('GET', '/api/v1/admin/plans/team')).json()).toEqual(created.json());

    const patched = await call('PATCH', '/api/v1/admin/plans/team', adminKey, { name: 'Team plus', limits: { requests_per_minute: 90 } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Team plus', limits: { ...team.limits, requests_per_minute: 90 }, quota: team.quota, allowed_models: ['fake-model'] });

    const assigned = await call('PUT', '/api/v1/admin/plans/team/assignments', adminKey, { owner_type: 'user', owner_id: memberId, billing_time_zone: 'Europe/Berlin' });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ object: 'plan.assignment', plan_id: 'team', owner_type: 'user', owner_id: memberId, billing_time_zone: 'Europe/Berlin', overrides: {} });
    expect(await test.app.services.plans.effectivePlan({ ownerType: 'user', ownerId: memberId })).toMatchObject({ planId: 'team', billingTimeZone: 'Europe/Berlin', limits: { requestsPerMinute: 90 } });
    expect((await call('GET', '/api/v1/admin/plans/team/assignments')).json().data.map((entry: { owner_id: string }) => entry.owner_id)).toEqual([memberId]);

    const inUse = await call('DELETE', '/api/v1/admin/plans/team');
    expect(inUse.statusCode).toBe(409);
    expect((await call('DELETE', `/api/v1/admin/plans/monthly/assignments/user/${memberId}`)).statusCode).toBe(404);
    const unassigned = await call('DELETE', `/api/v1/admin/plans/team/assignments/user/${memberId}`);
    expect(unassigned.statusCode).toBe(200);
    expect(unassigned.json()).toEqual({ object: 'plan.assignment.deleted', plan_id: 'team', owner_type: 'user', owner_id: memberId, deleted: true });
    expect((await test.app.services.plans.effectivePlan({ ownerType: 'user', ownerId: memberId })).planId).toBe('free');
    expect((await call('DELETE', `/api/v1/admin/plans/team/assignments/user/${memberId}`)).statusCode).toBe(404);

    const deleted = await call('DELETE', '/api/v1/admin/plans/team');
    expect(deleted.json()).toEqual({ id: 'team', object: 'plan.deleted', deleted: true });
    expect((await call('GET', '/api/v1/admin/plans/team')).statusCode).toBe(404);

    const events = await auditEvents();
    expect(verifyAuditChain(events)).toEqual({ isIntact: true, brokenAtSequence: null });
    const teamEvents = events.filter((event) => event.targetType === 'plan' && event.targetId === 'team');
    expect(teamEvents.map((event) => event.action)).toEqual(['plan.created', 'plan.updated', 'plan.assigned', 'plan.unassigned', 'plan.deleted']);
    expect(teamEvents[0]!.actor).toEqual({ userId: test.app.owner.id, apiKeyId: expect.stringMatching(/^key_/), requestId: created.headers['x-request-id'], via: 'api' });
    expect(teamEvents[1]!.details).toEqual({ changedFields: 'limits,name' });
    expect(teamEvents[2]!.details).toMatchObject({ ownerType: 'user', ownerId: memberId, billingTimeZone: 'Europe/Berlin' });
    // The default plans were created once, by the system, at first start.
    const defaults = events.filter((event) => event.action === 'plan.created' && event.actor.via === 'system');
    expect(defaults.map((event) => event.targetId).sort()).toEqual(['annual', 'enterprise', 'free', 'monthly', 'pay_as_you_go']);
  });

  it('BIL-1 enterprise terms are negotiated per organisation through assignment overrides', async () => {
    const response = await call('PUT', '/api/v1/admin/plans/enterprise/assignments', adminKey, {
      owner_type: 'organization',
      owner_id: 'org_acme',
      billing_time_zone: 'Asia/Shanghai',
      overrides: { limits: { requests_per_minute: 5_000 }, quota: { period: 'year', unit: 'tokens', amount: 9_000_000_000, overage: 'bill' } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().overrides).toEqual({ limits: { requests_per_minute: 5_000 }, quota: { period: 'year', unit: 'tokens', amount: 9_000_000_000, overage: 'bill' } });
    expect(await test.app.services.plans.effectivePlan({ ownerType: 'organization', ownerId: 'org_acme' })).toMatchObject({
      planId: 'enterprise',
      limits: { requestsPerMinute: 5_000, requestsPerHour: 50_000 },
      quota: { period: 'year', amount: 9_000_000_000 },
    });
  });

  it('BIL-1 bad input is a 400 naming the field, and changes nothing', async () => {
    const plansBefore = (await call('GET', '/api/v1/admin/plans')).json();
    const eventsBefore = (await auditEvents()).length;
    const cases: Array<[method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown, param: string | null]> = [
      ['POST', '/api/v1/admin/plans', { ...team, id: 'Has Spaces' }, 'id'],
      ['POST', '/api/v1/admin/plans', { ...team, kind: 'platinum' }, 'kind'],
      ['POST', '/api/v1/admin/plans', { ...team, limits: { ...team.limits, requests_per_minute: 'many' } }, 'limits.requests_per_minute'],
      ['POST', '/api/v1/admin/plans', { ...team, limits: { ...team.limits, requests_per_minute: 0 } }, 'limits.requests_per_minute'],
      ['POST', '/api/v1/admin/plans', { ...team, limits: { requests_per_minute: 1 } }, 'limits.requests_per_hour'],
      ['POST', '/api/v1/admin/plans', { ...team, quota: { ...team.quota, unit: 'spend_minor' } }, 'quota.unit'],
      ['POST', '/api/v1/admin/plans', { ...team, surprise: true }, null],
      ['POST', '/api/v1/admin/plans', { ...team, id: 'free' }, 'id'],
      ['PATCH', '/api/v1/admin/plans/free', { limits: { requests_per_minute: -5 } }, 'limits.requests_per_minute'],
      ['PATCH', '/api/v1/admin/plans/free', { limits: { requests_per_min: 5 } }, 'limits'],
      ['PATCH', '/api/v1/admin/plans/free', { allowed_models: [] }, 'allowed_models'],
      ['PUT', '/api/v1/admin/plans/free/assignments', { owner_type: 'user', owner_id: memberId, billing_time_zone: 'Berlin' }, 'billing_time_zone'],
      ['PUT', '/api/v1/admin/plans/free/assignments', { owner_type: 'user', owner_id: memberId, overrides: { limits: { requests_per_minute: 1 } } }, 'overrides'],
      ['PUT', '/api/v1/admin/plans/free/assignments', { owner_type: 'team', owner_id: memberId }, 'owner_type'],
    ];
    for (const [method, url, payload, param] of cases) {
      const response = await call(method, url, adminKey, payload);
      const expectedStatus = param === 'id' && (payload as { id: string }).id === 'free' ? 409 : 400;
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(expectedStatus);
      if (param !== null) expect(response.json().error.param, JSON.stringify(payload)).toBe(param);
    }
    expect((await call('PATCH', '/api/v1/admin/plans/nope', adminKey, { name: 'x' })).statusCode).toBe(404);
    expect((await call('PUT', '/api/v1/admin/plans/nope/assignments', adminKey, { owner_type: 'user', owner_id: memberId })).statusCode).toBe(404);
    expect((await call('DELETE', '/api/v1/admin/plans/free')).statusCode).toBe(409);
    expect((await call('GET', '/api/v1/admin/plans')).json()).toEqual(plansBefore);
    expect(await auditEvents()).toHaveLength(eventsBefore);
    expect((await test.app.services.plans.effectivePlan({ ownerType: 'user', ownerId: memberId })).planId).toBe('free');
  });
});
