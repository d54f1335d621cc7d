import type { Plan, PlanAssignment } from '@charter/core';
import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at } from './__fixtures__/build-records.js';
import { SqlPlanRepository, SqlQuotaNoticeSink, SqlQuotaUsageStore } from './sql-plan-repository.js';

function buildPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'team',
    name: 'Team',
    kind: 'monthly',
    limits: { requestsPerMinute: 60, requestsPerHour: 1_000, tokensPerMinute: 100_000, concurrentRequests: null },
    quota: { period: 'month', unit: 'tokens', amount: 9_000_000_000_000, overage: 'bill' },
    allowedModels: ['small-model', 'Qwen/Qwen3-Next-80B-A3B-Instruct'],
    flags: { isNonCommercialOnly: false },
    createdAt: at(1),
    updatedAt: at(2),
    ...overrides,
  };
}

const alice = { ownerType: 'user' as const, ownerId: 'user_alice' };
const acme = { ownerType: 'organization' as const, ownerId: 'org_acme' };

function buildAssignment(overrides: Partial<PlanAssignment> = {}): PlanAssignment {
  return { ...alice, planId: 'team', overrides: {}, billingTimeZone: 'UTC', assignedAt: at(10), ...overrides };
}

describe.each(testDialects)('SqlPlanRepository on %s', (dialect) => {
  let database: TestDatabase;
  let plans: SqlPlanRepository;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    plans = new SqlPlanRepository(database.db);
  });
  afterEach(() => database.close());

  it('BIL-1 insert stores every field and reads it back; a duplicate id conflicts', async () => {
    const plan = buildPlan();
    const free = buildPlan({ id: 'free', kind: 'free', quota: null, allowedModels: null, flags: { isNonCommercialOnly: true } });
    await plans.insert(plan);
    await plans.insert(free);
    expect(await plans.findById('team')).toEqual(plan);
    expect(await plans.list()).toEqual([free, plan]);
    expect(await plans.findById('nope')).toBeUndefined();
    await expect(plans.insert(buildPlan({ name: 'Other' }))).rejects.toMatchObject({ code: 'conflict', param: 'id' });
  });

  it('BIL-1 insertMissing inserts only new plans, also under concurrent calls, and reports what it inserted', async () => {
    await plans.insert(buildPlan({ id: 'free', name: 'Edited by the operator' }));
    const candidates = ['free', 'monthly', 'annual'].map((id) => buildPlan({ id, name: 'Seed' }));
    const second = new SqlPlanRepository(database.db);
    const inserted = await Promise.all([plans.insertMissing(candidates), second.insertMissing(candidates), plans.insertMissing(candidates)]);
    expect(inserted.flat().sort()).toEqual(['annual', 'monthly']);
    expect((await plans.findById('free'))?.name).toBe('Edited by the operator');
    expect(await plans.insertMissing([])).toEqual([]);
  });

  it('BIL-1 update replaces the fields but keeps the creation time, only over the version it was given', async () => {
    const stored = buildPlan();
    await plans.insert(stored);
    const changed = buildPlan({ name: 'Team 2', quota: null, allowedModels: null, createdAt: at(999), updatedAt: at(50) });
    expect(await plans.update(changed, stored.updatedAt)).toBe(true);
    expect(await plans.findById('team')).toEqual({ ...changed, createdAt: at(1) });
    // A second update made from the same earlier version finds the plan changed, and changes nothing.
    expect(await plans.update(buildPlan({ name: 'Team from a stale read', updatedAt: at(60) }), stored.updatedAt)).toBe(false);
    expect((await plans.findById('team'))?.name).toBe('Team 2');
    expect(await plans.update(buildPlan({ id: 'nope' }), stored.updatedAt)).toBe(false);
  });

  it('BIL-1 assign puts an owner on one plan, replacing any earlier one; owners are read only by owner', async () => {
    await plans.insert(buildPlan());
    await plans.insert(buildPlan({ id: 'enterprise', kind: 'enterprise' }));
    await plans.assign(buildAssignment());
    const replacement = buildAssignment({
      planId: 'enterprise',
      overrides: { limits: { requestsPerMinute: 5_000, concurrentRequests: null }, quota: null, allowedModels: ['x'] },
      billingTimeZone: 'Pacific/Auckland',
      assignedAt: at(20),
    });
    await plans.assign(replacement);
    await plans.assign(buildAssignment({ ...acme }));

    expect(await plans.findAssignment(alice)).toEqual({ assignment: replacement, plan: await plans.findById('enterprise') });
    expect((await plans.findAssignment(acme))?.plan.id).toBe('team');
    expect(await plans.findAssignment({ ownerType: 'organization', ownerId: alice.ownerId })).toBeUndefined();
    expect(await plans.listAssignments({})).toHaveLength(2);
    expect(await plans.listAssignments({ planId: 'enterprise' })).toEqual([replacement]);
    expect(await plans.listAssignments({ limit: 1 })).toHaveLength(1);
  });

  it('BIL-1 assigning an unknown plan is not_found; unassign reports whether there was an assignment', async () => {
    await expect(plans.assign(buildAssignment({ planId: 'nope' }))).rejects.toMatchObject({ code: 'not_found', param: 'plan_id' });
    await plans.insert(buildPlan());
    await plans.assign(buildAssignment());
    expect(await plans.unassign(alice)).toBe(true);
    expect(await plans.unassign(alice)).toBe(false);
    expect(await plans.findAssignment(alice)).toBeUndefined();
  });

  it('BIL-1 unassign with a plan id removes the assignment only when the owner is on that plan', async () => {
    await plans.insert(buildPlan());
    await plans.assign(buildAssignment());
    expect(await plans.unassign(alice, { planId: 'other' })).toBe(false);
    expect(await plans.findAssignment(alice)).toBeDefined();
    expect(await plans.unassign(alice, { planId: 'team' })).toBe(true);
    expect(await plans.findAssignment(alice)).toBeUndefined();
  });

  it('BIL-1 a plan with owners on it cannot be deleted; an unused one can', async () => {
    await plans.insert(buildPlan());
    await plans.assign(buildAssignment());
    await expect(plans.delete('team')).rejects.toMatchObject({ code: 'conflict', planId: 'team' });
    expect(await plans.findById('team')).toBeDefined();
    await plans.unassign(alice);
    expect(await plans.delete('team')).toBe(true);
    expect(await plans.delete('team')).toBe(false);
  });

  it('BIL-1 damaged overrides fail closed instead of lifting limits', async () => {
    await plans.insert(buildPlan());
    await plans.assign(buildAssignment());
    await database.db.updateTable('plan_assignments').set({ overrides_json: '[1]' }).execute();
    await expect(plans.findAssignment(alice)).rejects.toThrow(/unreadable overrides/);
  });

  it('BIL-1 the database refuses a half-specified quota', async () => {
    await plans.insert(buildPlan());
    await expect(database.db.updateTable('plans').set({ quota_amount: null }).where('id', '=', 'team').execute()).rejects.toThrow(/check/i);
  });
});

describe.each(testDialects)('SqlQuotaUsageStore and SqlQuotaNoticeSink on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.close());

  it('API-6 concurrent adds from several connections all count, and each returns its running total', async () => {
    const stores = [new SqlQuotaUsageStore(database.db), new SqlQuotaUsageStore(database.db)];
    const periodStartsAt = at(0);
    const totals = await Promise.all(
      Array.from({ length: 40 }, (_, index) => stores[index % 2]!.add({ owner: alice, periodStartsAt, tokens: index + 1, updatedAt: at(index) })),
    );
    const expected = (40 * 41) / 2;
    expect(await stores[0]!.get(alice, periodStartsAt)).toBe(expected);
    // Each add saw a distinct total, the last one the full sum: no add was lost or double-counted.
    expect(new Set(totals).size).toBe(40);
    expect(Math.max(...totals)).toBe(expected);
  });

  it('API-6 counters are per owner and per period, and large totals stay exact', async () => {
    const usage = new SqlQuotaUsageStore(database.db);
    await usage.add({ owner: alice, periodStartsAt: at(0), tokens: 4_000_000_000_000, updatedAt: at(1) });
    expect(await usage.add({ owner: alice, periodStartsAt: at(0), tokens: 4_000_000_000_001, updatedAt: at(2) })).toBe(8_000_000_000_001);
    await usage.add({ owner: acme, periodStartsAt: at(0), tokens: 7, updatedAt: at(1) });
    await usage.add({ owner: alice, periodStartsAt: at(86_400_000), tokens: 3, updatedAt: at(1) });
    expect(await usage.get(alice, at(0))).toBe(8_000_000_000_001);
    expect(await usage.get(acme, at(0))).toBe(7);
    expect(await usage.get(alice, at(86_400_000))).toBe(3);
    expect(await usage.get({ ownerType: 'organization', ownerId: 'user_alice' }, at(0))).toBe(0);
  });

  it('API-6 a notice is recorded once per owner, period and threshold, whoever sends it', async () => {
    const sinks = [new SqlQuotaNoticeSink(database.db), new SqlQuotaNoticeSink(database.db)];
    const notice = { owner: alice, periodStartsAt: at(0), thresholdPercent: 80 as const, createdAt: at(5) };
    const outcomes = await Promise.all([sinks[0]!.record(notice), sinks[1]!.record({ ...notice, createdAt: at(6) }), sinks[0]!.record(notice)]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await sinks[0]!.record({ ...notice, thresholdPercent: 100 })).toBe(true);
    expect(await sinks[0]!.record({ ...notice, periodStartsAt: at(86_400_000) })).toBe(true);
    expect(await sinks[0]!.record({ ...notice, owner: acme })).toBe(true);
    const stored = await sinks[1]!.listByOwner(alice);
    expect(stored.map((entry) => [entry.periodStartsAt.getTime() - at(0).getTime(), entry.thresholdPercent])).toEqual([
      [0, 80],
      [0, 100],
      [86_400_000, 80],
    ]);
    expect(stored[0]!.owner).toEqual(alice);
  });
});
