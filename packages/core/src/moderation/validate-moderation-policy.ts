import { InvalidRequestError } from '../errors.js';
import { isModerationCategory, moderationCategories, moderationCategoryDefinitions } from './moderation-category.js';
import {
  createDefaultModerationPolicy,
  moderationActionsByStrength,
  type CategoryPolicy,
  type ModerationAction,
  type ModerationPolicy,
} from './moderation-policy.js';

/** One problem in an operator-supplied policy; `path` is dotted, e.g. `categories.spam.threshold`. */
export interface ModerationPolicyIssue {
  path: string;
  message: string;
}

/** The result of validating a policy: the complete policy, or every issue found. */
export type ModerationPolicyValidation =
  | { isValid: true; policy: ModerationPolicy }
  | { isValid: false; issues: ModerationPolicyIssue[] };

const categoryPolicyKeys = new Set<string>(['isEnabled', 'threshold', 'input', 'output']);

/**
 * Validates a policy (complete or partial, e.g. parsed from deployment configuration) and completes it
 * with the defaults. Unknown keys are rejected rather than ignored, because a misspelt category in a
 * policy file would otherwise silently leave the default in force.
 */
export function validateModerationPolicy(input: unknown): ModerationPolicyValidation {
  const issues: ModerationPolicyIssue[] = [];
  const policy = createDefaultModerationPolicy();
  if (input === undefined || input === null) return { isValid: true, policy };
  if (!isPlainObject(input)) return { isValid: false, issues: [{ path: '', message: 'must be an object' }] };

  for (const key of Object.keys(input)) {
    if (key !== 'categories') issues.push({ path: key, message: 'unknown key' });
  }
  const categories = input['categories'];
  if (categories !== undefined) {
    if (!isPlainObject(categories)) {
      issues.push({ path: 'categories', message: 'must be an object keyed by category' });
    } else {
      for (const [category, override] of Object.entries(categories)) {
        const path = `categories.${category}`;
        if (!isModerationCategory(category)) {
          issues.push({ path, message: `unknown category; expected one of ${moderationCategories.join(', ')}` });
          continue;
        }
        if (!isPlainObject(override)) {
          issues.push({ path, message: 'must be an object' });
          continue;
        }
        const target: CategoryPolicy = policy.categories[category];
        for (const [key, value] of Object.entries(override)) {
          const fieldPath = `${path}.${key}`;
          if (!categoryPolicyKeys.has(key)) {
            issues.push({ path: fieldPath, message: 'unknown key' });
          } else if (key === 'isEnabled') {
            if (typeof value === 'boolean') target.isEnabled = value;
            else issues.push({ path: fieldPath, message: 'must be a boolean' });
          } else if (key === 'threshold') {
            if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) target.threshold = value;
            else issues.push({ path: fieldPath, message: 'must be a number from 0 to 1' });
          } else if (key === 'input' || key === 'output') {
            if (!isModerationAction(value)) {
              issues.push({ path: fieldPath, message: `must be one of ${moderationActionsByStrength.join(', ')}` });
            } else if (value === 'redact' && !moderationCategoryDefinitions[category].isRedactable) {
              // Only categories whose detectors return spans can be redacted; anything else would pass unchanged.
              issues.push({ path: fieldPath, message: `${category} has no text spans to redact; use flag or block` });
            } else {
              target[key] = value;
            }
          }
        }
      }
    }
  }
  const sexualMinors = policy.categories.sexual_minors;
  if (!sexualMinors.isEnabled || sexualMinors.input !== 'block' || sexualMinors.output !== 'block') {
    issues.push({ path: 'categories.sexual_minors', message: 'sexual content involving minors must stay enabled and blocked in both directions' });
  }
  return issues.length > 0 ? { isValid: false, issues } : { isValid: true, policy };
}

/** Like `validateModerationPolicy`, but throws `InvalidRequestError` naming the first issue. */
export function parseModerationPolicy(input: unknown): ModerationPolicy {
  const result = validateModerationPolicy(input);
  if (result.isValid) return result.policy;
  const [first] = result.issues;
  throw new InvalidRequestError(`Invalid moderation policy: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(), first?.path);
}

function isModerationAction(value: unknown): value is ModerationAction {
  return typeof value === 'string' && (moderationActionsByStrength as readonly string[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
