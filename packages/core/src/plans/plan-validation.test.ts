import { describe, expect, it } from 'vitest';
import { defaultPlanDefinitions } from './default-plans.js';
import { effectivePlanOf, type Plan, type PlanDefinition } from './plan.js';
import { validateOverrides, validatePlanDefinition } from './plan-validation.js';

const base: PlanDefinition = {
  id: 'team',
  name: 'Team',
  kind: 'monthly',
  limits: { requestsPerMinute: 60, requestsPerHour: 1_000, tokensPerMinute: 100_000, concurrentRequests: 4 },
  quota: { period: 'month', unit: 'tokens', amount: 1_000_000, overage: 'bill' },
  allowedModels: null,
  flags: { isNonCommercialOnly: false },
};

function plan(fields: Partial<PlanDefinition> = {}): Plan {
  return { ...base, ...fields, createdAt: new Date(0), updatedAt: new Date(0) };
}

const invalid = (definition: PlanDefinition) => {
  try {
    validatePlanDefinition(definition);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('plan validation', () => {
  it('BIL-1 the default plans are valid and cover every kind', () => {
    for (const definition of defaultPlanDefinitions) expect(invalid(definition), definition.id).toBeUndefined();
    expect(defaultPlanDefinitions.map((definition) => definition.kind).sort()).toEqual(['annual', 'enterprise', 'free', 'monthly', 'pay_as_you_go']);
  });

  it('BIL-1 every field is checked and the error names it', () => {
    const cases: Array<[Partial<PlanDefinition>, string]> = [
      [{ id: 'Has Spaces' }, 'id'],
      [{ id: '' }, 'id'],
      [{ name: '  ' }, 'name'],
      [{ kind: 'platinum' as PlanDefinition['kind'] }, 'kind'],
      [{ limits: { ...base.limits, requestsPerMinute: 0 } }, 'limits.requests_per_minute'],
      [{ limits: { ...base.limits, tokensPerMinute: 1.5 } }, 'limits.tokens_per_minute'],
      [{ limits: { ...base.limits, concurrentRequests: 2_000_000_000 } }, 'limits.concurrent_requests'],
      [{ limits: { requestsPerMinute: 1, requestsPerHour: 1, tokensPerMinute: 1 } as PlanDefinition['limits'] }, 'limits.concurrent_requests'],
      [{ quota: { period: 'week' as 'month', unit: 'tokens', amount: 1, overage: 'block' } }, 'quota.period'],
      [{ quota: { period: 'month', unit: 'tokens', amount: 0, overage: 'block' } }, 'quota.amount'],
      [{ quota: { period: 'month', unit: 'tokens', amount: 10, overage: 'forgive' as 'bill' } }, 'quota.overage'],
      [{ allowedModels: [] }, 'allowed_models'],
      [{ allowedModels: ['a', 'a'] }, 'allowed_models'],
    ];
    for (const [fields, param] of cases) {
      expect(invalid({ ...base, ...fields }), JSON.stringify(fields)).toMatchObject({ code: 'invalid_request_error', param });
    }
  });

  it('API-6 a spend quota is refused with a clear message until the price book exists', () => {
    expect(invalid({ ...base, quota: { period: 'month', unit: 'spend_minor', amount: 10_000, overage: 'block' } })).toMatchObject({
      code: 'invalid_request_error',
      param: 'quota.unit',
      message: expect.stringMatching(/price book/),
    });
  });

  it('BIL-1 enterprise overrides change only what they name; other plans take no overrides', () => {
    const enterprise = plan({ id: 'enterprise', kind: 'enterprise', quota: null });
    const owner = { ownerType: 'organization' as const, ownerId: 'org_acme' };
    const overrides = { limits: { tokensPerMinute: 5_000_000, concurrentRequests: null }, quota: { period: 'year' as const, unit: 'tokens' as const, amount: 10_000_000_000, overage: 'bill' as const } };
    validateOverrides(overrides, enterprise);
    const effective = effectivePlanOf(enterprise, owner, { ...owner, planId: 'enterprise', overrides, billingTimeZone: 'Asia/Shanghai', assignedAt: new Date(0) });
    expect(effective).toMatchObject({
      planId: 'enterprise',
      limits: { requestsPerMinute: 60, requestsPerHour: 1_000, tokensPerMinute: 5_000_000, concurrentRequests: null },
      quota: { period: 'year', amount: 10_000_000_000 },
      billingTimeZone: 'Asia/Shanghai',
      isDefault: false,
    });

    expect(() => validateOverrides({ limits: { requestsPerMinute: 5 } }, plan())).toThrow(expect.objectContaining({ param: 'overrides' }));
    expect(() => validateOverrides({}, plan())).not.toThrow();
    expect(() => validateOverrides({ limits: { requestsPerMinute: -1 } }, enterprise)).toThrow(expect.objectContaining({ param: 'overrides.limits.requests_per_minute' }));
    // A partial quota needs a quota to complete; the enterprise plan here has none.
    expect(() => validateOverrides({ quota: { amount: 5 } }, enterprise)).toThrow(expect.objectContaining({ param: 'overrides.quota' }));
    expect(() => validateOverrides({ quota: { amount: 5 } }, { ...enterprise, quota: base.quota })).not.toThrow();
    expect(() => validateOverrides({ quota: { unit: 'spend_minor' } }, { ...enterprise, quota: base.quota })).toThrow(/price book/);
  });

  it('BIL-1 a quota override of null removes the quota; an owner without assignment gets the plan as is in UTC', () => {
    const enterprise = plan({ kind: 'enterprise' });
    const owner = { ownerType: 'user' as const, ownerId: 'u1' };
    expect(effectivePlanOf(enterprise, owner, { ...owner, planId: enterprise.id, overrides: { quota: null }, billingTimeZone: 'UTC', assignedAt: new Date(0) }).quota).toBeNull();
    expect(effectivePlanOf(enterprise, owner, undefined)).toMatchObject({ quota: base.quota, limits: base.limits, billingTimeZone: 'UTC', isDefault: true });
  });
});
