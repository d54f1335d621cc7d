import { InvalidRequestError } from '../errors.js';
import { overagePolicies, quotaPeriods, quotaUnits, type QuotaRule } from '../limits/quota.js';
import { assertTimeZone } from '../limits/quota-period.js';
import { maxRateLimit, type RateLimits } from '../limits/rate-limits.js';
import { mergeQuota, planKinds, type PlanDefinition, type PlanOverrides } from './plan.js';

/** Plan ids: lowercase slugs, typed by operators and used in URLs. */
const planIdPattern = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const maxPlanNameLength = 200;
const maxAllowedModels = 1000;

const limitParams: Record<keyof RateLimits, string> = {
  requestsPerMinute: 'requests_per_minute',
  requestsPerHour: 'requests_per_hour',
  tokensPerMinute: 'tokens_per_minute',
  concurrentRequests: 'concurrent_requests',
};

/** Throws `invalid_request_error` naming the first field at fault, or returns when the plan is sound. */
export function validatePlanDefinition(plan: PlanDefinition): void {
  if (typeof plan.id !== 'string' || !planIdPattern.test(plan.id)) {
    throw new InvalidRequestError('Plan ids are 1 to 64 lowercase letters, digits, `_`, `.` or `-`, starting with a letter or digit.', 'id');
  }
  if (typeof plan.name !== 'string' || plan.name.trim() === '' || plan.name.length > maxPlanNameLength) {
    throw new InvalidRequestError(`A plan needs a name of 1 to ${maxPlanNameLength} characters.`, 'name');
  }
  if (!(planKinds as readonly string[]).includes(plan.kind)) {
    throw new InvalidRequestError(`Plan kind must be one of ${planKinds.join(', ')}.`, 'kind');
  }
  validateRateLimits(plan.limits, true);
  if (plan.quota !== null) validateQuota(plan.quota);
  validateAllowedModels(plan.allowedModels);
  if (typeof plan.flags?.isNonCommercialOnly !== 'boolean') {
    throw new InvalidRequestError('flags.is_non_commercial_only must be true or false.', 'flags.is_non_commercial_only');
  }
}

/**
 * Overrides are the enterprise plan's per-organisation terms; on other plans they are refused so a plan
 * means the same for everyone on it. The merged result must be a valid plan.
 */
export function validateOverrides(overrides: PlanOverrides, plan: PlanDefinition): void {
  const isEmpty = overrides.limits === undefined && overrides.quota === undefined && overrides.allowedModels === undefined;
  if (isEmpty) return;
  if (plan.kind !== 'enterprise') {
    throw new InvalidRequestError('Only enterprise plans take per-owner overrides; create a separate plan instead.', 'overrides');
  }
  if (overrides.limits !== undefined) validateRateLimits(overrides.limits, false, 'overrides.limits');
  if (overrides.quota !== undefined && overrides.quota !== null) {
    let merged: QuotaRule | null;
    try {
      merged = mergeQuota(plan.quota, overrides.quota);
    } catch (error) {
      throw new InvalidRequestError(error instanceof Error ? error.message : String(error), 'overrides.quota');
    }
    if (merged) validateQuota(merged, 'overrides.quota');
  }
  if (overrides.allowedModels !== undefined) validateAllowedModels(overrides.allowedModels, 'overrides.allowed_models');
}

/** The billing time zone of an assignment. */
export function validateBillingTimeZone(timeZone: string): void {
  assertTimeZone(timeZone, 'billing_time_zone');
}

/**
 * Throws `invalid_request_error` naming the first rate limit (`<prefix>.<field>`) that is not an integer from 1 to
 * `maxRateLimit` or null; with `isComplete`, also one that is missing.
 */
export function validateRateLimits(limits: Partial<RateLimits>, isComplete: boolean, prefix = 'limits'): void {
  if (typeof limits !== 'object' || limits === null) throw new InvalidRequestError('limits must be an object.', prefix);
  for (const field of Object.keys(limitParams) as Array<keyof RateLimits>) {
    const value = limits[field];
    const param = `${prefix}.${limitParams[field]}`;
    if (value === undefined) {
      if (isComplete) throw new InvalidRequestError(`${param} is required (a number, or null for no limit).`, param);
      continue;
    }
    if (value !== null && !(Number.isSafeInteger(value) && value >= 1 && value <= maxRateLimit)) {
      throw new InvalidRequestError(`${param} must be an integer from 1 to ${maxRateLimit}, or null for no limit.`, param);
    }
  }
}

function validateQuota(quota: QuotaRule, prefix = 'quota'): void {
  if (!(quotaUnits as readonly string[]).includes(quota.unit)) throw new InvalidRequestError(`${prefix}.unit must be tokens.`, `${prefix}.unit`);
  if (quota.unit === 'spend_minor') {
    throw new InvalidRequestError('Spend quotas need the price book, which does not exist yet; use a token quota.', `${prefix}.unit`);
  }
  if (!(quotaPeriods as readonly string[]).includes(quota.period)) {
    throw new InvalidRequestError(`${prefix}.period must be one of ${quotaPeriods.join(', ')}.`, `${prefix}.period`);
  }
  if (!Number.isSafeInteger(quota.amount) || quota.amount < 1) {
    throw new InvalidRequestError(`${prefix}.amount must be a positive integer.`, `${prefix}.amount`);
  }
  if (!(overagePolicies as readonly string[]).includes(quota.overage)) {
    throw new InvalidRequestError(`${prefix}.overage must be one of ${overagePolicies.join(', ')}.`, `${prefix}.overage`);
  }
}

function validateAllowedModels(models: string[] | null, param = 'allowed_models'): void {
  if (models === null) return;
  if (!Array.isArray(models) || models.length === 0 || models.length > maxAllowedModels) {
    throw new InvalidRequestError(`${param} must list 1 to ${maxAllowedModels} model names, or be null for all models.`, param);
  }
  if (!models.every((model) => typeof model === 'string' && model.trim() !== '')) {
    throw new InvalidRequestError(`${param} must contain model names.`, param);
  }
  if (new Set(models).size !== models.length) throw new InvalidRequestError(`${param} lists a model twice.`, param);
}
