import { SqlAuditLog, SqlPlanRepository } from '@charter/storage';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.js';
import { verifyAuditChain } from '../audit/audit-chain.js';
import { defaultPlanDefinitions } from './default-plans.js';
import type { PlanDefinition } from './plan.js';
import { PlanService, type PlanChange } from './plan-service.js';

const team: PlanDefinition = {
  id: 'team',
  name: 'Team',
  kind: 'monthly',
  limits: { requestsPerMinute: 60, requestsPerHour: 1_000, tokensPerMinute: 100_000, concurrentRequests: 4 },
  quota: { period: 'month', unit: 'tokens', amount: 1_000_000, overage: 'bill' },
  allowedModels: ['small-model'],
  flags: { isNonCommercialOnly: false },
};

const alice = { ownerType: 'user' as const, ownerId: 'user_alice' };
const acme = { ownerType: 'organization' as const, ownerId: 'org_acme' };

function principal(fields: Partial<Principal> = {}): Principal {
  return { userId: 'user_alice', organizationId: null, apiKeyId: 'key_1', sessionId: null, scopes: { models: null, endpoints: null, rateLimits: null }, ...fields };
}

describe('PlanService on SQLite', () => {
  let database: TestDatabase;
  let plans: PlanService;
  let nowMs: number;
  let changes: PlanChange[];
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    nowMs = Date.UTC(2025, 0, 15);
    changes = [];
    plans = new PlanService({
      repository: new SqlPlanRepository(database.db),
      audit: new SqlAuditLog(database.db, database.dialect),
      clock: () => new Date(nowMs),
      cacheTtlMs: 60_000,
      onChange: (change) => void changes.push(change),
    });
  });
  afterEach(() => database.close());

  it('BIL-1 ensureDefaultPlans creates the five plans once and never overwrites an operator edit', async () => {
    expect(await plans.ensureDefaultPlans()).toEqual(['annual', 'enterprise', 'free', 'monthly', 'pay_as_you_go']);
    await plans.update('free', { limits: { ...defaultPlanDefinitions[0]!.limits, requestsPerMinute: 3 } });
    const again = new PlanService({ repository: new SqlPlanRepository(database.db), audit: new SqlAuditLog(database.db, database.dialect), clock: () => new Date(nowMs) });
    expect(await Promise.all([again.ensureDefaultPlans(), plans.ensureDefaultPlans()])).toEqual([[], []]);
    expect((await plans.get('free')).limits.requestsPerMinute).toBe(3);
    expect((await plans.list()).map((plan) => plan.id)).toEqual(['annual', 'enterprise', 'free', 'monthly', 'pay_as_you_go']);
  });

  it('BIL-1 create validates, stores and reports; duplicates conflict', async () => {
    const created = await plans.create(team);
    expect(created).toEqual({ ...team, createdAt: new Date(nowMs), updatedAt: new Date(nowMs) });
    expect(await plans.get('team')).toEqual(created);
    await expect(plans.create(team)).rejects.toMatchObject({ code: 'conflict' });
    await expect(plans.create({ ...team, id: 'bad id' })).rejects.toMatchObject({ code: 'invalid_request_error', param: 'id' });
    expect(changes).toEqual([{ action: 'plan.created', planId: 'team', occurredAt: new Date(nowMs) }]);
  });

  it('BIL-1 update changes the terms of everyone on the plan at once on this node', async () => {
    await plans.ensureDefaultPlans();
    await plans.create(team);
    await plans.assign({ owner: alice, planId: 'team' });
    expect((await plans.effectivePlan(alice)).limits.requestsPerMinute).toBe(60);
    nowMs += 1000;
    const updated = await plans.update('team', { limits: { ...team.limits, requestsPerMinute: 10 } });
    expect(updated.updatedAt).toEqual(new Date(nowMs));
    expect(updated.createdAt).toEqual(new Date(nowMs - 1000));
    expect((await plans.effectivePlan(alice)).limits.requestsPerMinute).toBe(10);
    await expect(plans.update('team', { quota: { period: 'month', unit: 'spend_minor', amount: 5, overage: 'bill' } })).rejects.toMatchObject({ param: 'quota.unit' });
    await expect(plans.update('nope', { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('BIL-1 an update that keeps colliding with others is merged again, then refused with conflict, never written over theirs', async () => {
    await plans.create(team);
    const repository = new SqlPlanRepository(database.db);
    const rival = new PlanService({ repository, audit: new SqlAuditLog(database.db, database.dialect), clock: () => new Date(nowMs), cacheTtlMs: 60_000 });
    // Before each of this service's writes, another node changes the plan: the version it read is gone.
    let collisions = 0;
    let limitOfCollisions = 4;
    class ContendedPlanRepository extends SqlPlanRepository {
      override async update(...args: Parameters<SqlPlanRepository['update']>): Promise<boolean> {
        if (collisions < limitOfCollisions) {
          collisions += 1;
          await rival.update('team', { limits: { requestsPerHour: 1_000 + collisions } });
        }
        return super.update(...args);
      }
    }
    const contended = new PlanService({
      repository: new ContendedPlanRepository(database.db),
      audit: new SqlAuditLog(database.db, database.dialect),
      clock: () => new Date(nowMs),
      cacheTtlMs: 60_000,
    });
    const merged = await contended.update('team', { name: 'Merged last' });
    expect(collisions).toBe(4);
    expect(merged).toMatchObject({ name: 'Merged last', limits: { requestsPerHour: 1_004 } });
    expect(await repository.findById('team')).toEqual(merged);

    collisions = 0;
    limitOfCollisions = 5;
    await expect(contended.update('team', { name: 'Never written' })).rejects.toMatchObject({ code: 'conflict', param: 'plan_id' });
    expect(await repository.findById('team')).toMatchObject({ name: 'Merged last', limits: { requestsPerHour: 1_005 } });
  });

  it('BIL-1 owners without an assignment are on the default plan; assignment and unassignment switch at once', async () => {
    await plans.ensureDefaultPlans();
    await plans.create(team);
    expect(await plans.effectivePlan(alice)).toMatchObject({ planId: 'free', isDefault: true, flags: { isNonCommercialOnly: true }, billingTimeZone: 'UTC' });
    const assignment = await plans.assign({ owner: alice, planId: 'team', billingTimeZone: 'Europe/Berlin' });
    expect(assignment).toEqual({ ...alice, planId: 'team', overrides: {}, billingTimeZone: 'Europe/Berlin', assignedAt: new Date(nowMs) });
    expect(await plans.effectivePlan(alice)).toMatchObject({ planId: 'team', isDefault: false, billingTimeZone: 'Europe/Berlin', allowedModels: ['small-model'] });
    expect(await plans.unassign(alice)).toBe(true);
    expect(await plans.unassign(alice)).toBe(false);
    expect((await plans.effectivePlan(alice)).planId).toBe('free');
  });

  it('BIL-1 a request acting for an organisation is counted against the organisation’s plan', async () => {
    await plans.ensureDefaultPlans();
    await plans.assign({ owner: acme, planId: 'enterprise' });
    expect((await plans.effectivePlanFor(principal({ organizationId: 'org_acme' }))).owner).toEqual(acme);
    expect((await plans.effectivePlanFor(principal({ organizationId: 'org_acme' }))).planId).toBe('enterprise');
    expect((await plans.effectivePlanFor(principal())).planId).toBe('free');
  });

  it('BIL-1 enterprise overrides per organisation are validated and merged into its effective plan', async () => {
    await plans.ensureDefaultPlans();
    await plans.assign({
      owner: acme,
      planId: 'enterprise',
      overrides: { limits: { requestsPerMinute: 10_000 }, quota: { period: 'year', unit: 'tokens', amount: 5_000_000_000, overage: 'bill' } },
      billingTimeZone: 'Asia/Shanghai',
    });
    expect(await plans.effectivePlan(acme)).toMatchObject({
      planId: 'enterprise',
      limits: { requestsPerMinute: 10_000, requestsPerHour: 50_000, tokensPerMinute: 2_000_000, concurrentRequests: 64 },
      quota: { period: 'year', amount: 5_000_000_000 },
      billingTimeZone: 'Asia/Shanghai',
    });
    await expect(plans.assign({ owner: alice, planId: 'monthly', overrides: { limits: { requestsPerMinute: 1 } } })).rejects.toMatchObject({ param: 'overrides' });
    await expect(plans.assign({ owner: alice, planId: 'monthly', billingTimeZone: 'Berlin' })).rejects.toMatchObject({ param: 'billing_time_zone' });
    await expect(plans.assign({ owner: alice, planId: 'nope' })).rejects.toMatchObject({ code: 'not_found', param: 'plan_id' });
    // Turning the enterprise plan into another kind would strand the overrides.
    await expect(plans.update('enterprise', { kind: 'monthly' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('BIL-1 a plan in use or the default plan cannot be deleted; an unused one can', async () => {
    await plans.ensureDefaultPlans();
    await plans.create(team);
    await plans.assign({ owner: alice, planId: 'team' });
    await expect(plans.delete('team')).rejects.toMatchObject({ code: 'conflict' });
    await expect(plans.delete('free')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/default/) });
    await plans.unassign(alice);
    await plans.delete('team');
    await expect(plans.get('team')).rejects.toMatchObject({ code: 'not_found' });
    await expect(plans.delete('team')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('BIL-1 a missing default plan is a loud configuration error, not an unlimited owner', async () => {
    await expect(plans.effectivePlan(alice)).rejects.toThrow(/default plan `free` does not exist/);
    await plans.ensureDefaultPlans();
    // The failed lookup was not cached.
    expect((await plans.effectivePlan(alice)).planId).toBe('free');
  });

  it('AUP-9 a non-commercial plan refuses commercial use; a plan limits the models it includes', async () => {
    await plans.ensureDefaultPlans();
    await plans.create(team);
    const free = await plans.effectivePlan(alice);
    expect(() => plans.authorizeUse(free, { model: 'any-model' })).not.toThrow();
    expect(() => plans.authorizeUse(free, { model: 'any-model', isCommercialUse: false })).not.toThrow();
    expect(() => plans.authorizeUse(free, { model: 'any-model', isCommercialUse: true })).toThrow(expect.objectContaining({ code: 'permission_denied', message: expect.stringMatching(/non-commercial/) }));

    await plans.assign({ owner: alice, planId: 'team' });
    const onTeam = await plans.effectivePlan(alice);
    expect(() => plans.authorizeUse(onTeam, { model: 'small-model', isCommercialUse: true })).not.toThrow();
    expect(() => plans.authorizeUse(onTeam, { model: 'large-model' })).toThrow(expect.objectContaining({ code: 'model_not_found', param: 'model' }));
  });

  it('BIL-1 update merges limits and flags field by field and replaces quota and models as a whole', async () => {
    await plans.create(team);
    const updated = await plans.update('team', { limits: { requestsPerMinute: 7 }, flags: {}, allowedModels: null, quota: null });
    expect(updated).toMatchObject({ limits: { ...team.limits, requestsPerMinute: 7 }, flags: team.flags, allowedModels: null, quota: null, name: 'Team' });
    const unchanged = await plans.update('team', { limits: { requestsPerMinute: undefined } });
    expect(unchanged.limits.requestsPerMinute).toBe(7);
    await expect(plans.update('team', { limits: { requestsPerMinute: 0 } })).rejects.toMatchObject({ param: 'limits.requests_per_minute' });
  });

  it('BIL-1 unassign with a plan id removes the owner only from that plan', async () => {
    await plans.ensureDefaultPlans();
    await plans.create(team);
    await plans.assign({ owner: alice, planId: 'team' });
    expect(await plans.unassign(alice, undefined, { planId: 'monthly' })).toBe(false);
    expect((await plans.effectivePlan(alice)).planId).toBe('team');
    expect(await plans.unassign(alice, undefined, { planId: 'team' })).toBe(true);
    expect(changes.at(-1)).toMatchObject({ action: 'plan.unassigned', planId: 'team', owner: alice });
    await expect(plans.listAssignments('nope')).rejects.toMatchObject({ code: 'not_found' });
    expect(await plans.listAssignments('team')).toEqual([]);
  });

  it('BIL-1 ADM-4 every change to plans and assignments is audited with its actor in an intact chain', async () => {
    const actor = { userId: 'user_owner', apiKeyId: 'key_admin', requestId: 'req_1', via: 'api' as const };
    await plans.ensureDefaultPlans();
    await plans.create(team, actor);
    await plans.update('team', { name: 'Team 2' }, actor);
    await plans.assign({ owner: alice, planId: 'team', billingTimeZone: 'Europe/Berlin' }, actor);
    await plans.unassign(alice, actor);
    await plans.delete('team', actor);
    // Failed changes leave no trace.
    await expect(plans.create({ ...team, id: 'Bad Id' }, actor)).rejects.toThrow();
    await expect(plans.delete('free', actor)).rejects.toThrow();
    const events = await new SqlAuditLog(database.db, database.dialect).list({ afterSequence: 0, limit: 100 });
    expect(verifyAuditChain(events)).toEqual({ isIntact: true, brokenAtSequence: null });
    expect(events.map((event) => [event.action, event.targetId])).toEqual([
      ['plan.created', 'annual'],
      ['plan.created', 'enterprise'],
      ['plan.created', 'free'],
      ['plan.created', 'monthly'],
      ['plan.created', 'pay_as_you_go'],
      ['plan.created', 'team'],
      ['plan.updated', 'team'],
      ['plan.assigned', 'team'],
      ['plan.unassigned', 'team'],
      ['plan.deleted', 'team'],
    ]);
    expect(events[0]!.actor.via).toBe('system');
    expect(events.slice(5).every((event) => event.actor.userId === 'user_owner' && event.actor.requestId === 'req_1')).toBe(true);
    expect(events[6]!.details).toEqual({ changedFields: 'name' });
    expect(events[7]!.details).toEqual({ ownerType: 'user', ownerId: 'user_alice', billingTimeZone: 'Europe/Berlin', hasOverrides: false });
  });
});
