import type { PlanDefinition } from './plan.js';

/**
 * The plans a new installation starts with (BIL-1), created by `PlanService.ensureDefaultPlans()` only when
 * missing, so operator edits are never overwritten. Numbers are starting points for a small deployment.
 */
export const defaultPlanDefinitions: readonly PlanDefinition[] = [
  {
    id: 'free',
    name: 'Free',
    kind: 'free',
    limits: { requestsPerMinute: 20, requestsPerHour: 300, tokensPerMinute: 40_000, concurrentRequests: 2 },
    quota: { period: 'month', unit: 'tokens', amount: 1_000_000, overage: 'block' },
    allowedModels: null,
    flags: { isNonCommercialOnly: true },
  },
  {
    id: 'pay_as_you_go',
    name: 'Pay as you go',
    kind: 'pay_as_you_go',
    limits: { requestsPerMinute: 60, requestsPerHour: 3_000, tokensPerMinute: 200_000, concurrentRequests: 8 },
    // Every token is billed, so there is nothing to cap; spend controls arrive with the prepaid balance (BIL-4).
    quota: null,
    allowedModels: null,
    flags: { isNonCommercialOnly: false },
  },
  {
    id: 'monthly',
    name: 'Monthly subscription',
    kind: 'monthly',
    limits: { requestsPerMinute: 120, requestsPerHour: 6_000, tokensPerMinute: 400_000, concurrentRequests: 16 },
    quota: { period: 'month', unit: 'tokens', amount: 50_000_000, overage: 'bill' },
    allowedModels: null,
    flags: { isNonCommercialOnly: false },
  },
  {
    id: 'annual',
    name: 'Annual subscription',
    kind: 'annual',
    limits: { requestsPerMinute: 120, requestsPerHour: 6_000, tokensPerMinute: 400_000, concurrentRequests: 16 },
    quota: { period: 'year', unit: 'tokens', amount: 600_000_000, overage: 'bill' },
    allowedModels: null,
    flags: { isNonCommercialOnly: false },
  },
  {
    id: 'enterprise',
    name: 'Enterprise',
    kind: 'enterprise',
    // Negotiated per organisation through assignment overrides; these are the defaults before that.
    limits: { requestsPerMinute: 1_000, requestsPerHour: 50_000, tokensPerMinute: 2_000_000, concurrentRequests: 64 },
    quota: null,
    allowedModels: null,
    flags: { isNonCommercialOnly: false },
  },
];
