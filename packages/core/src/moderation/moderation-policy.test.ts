import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { moderationCategories, moderationCategoryDefinitions } from './moderation-category.js';
import { createDefaultModerationPolicy, defaultModerationPolicy, strongerModerationAction } from './moderation-policy.js';
import { parseModerationPolicy, validateModerationPolicy } from './validate-moderation-policy.js';

describe('moderation taxonomy and policy', () => {
  it('AUP-1 lists the sixteen categories, each with a description, threshold and OpenAI names where they exist', () => {
    expect(moderationCategories).toHaveLength(16);
    for (const category of moderationCategories) {
      const definition = moderationCategoryDefinitions[category];
      expect(definition.category).toBe(category);
      expect(definition.description.length).toBeGreaterThan(20);
      expect(definition.defaultThreshold).toBeGreaterThan(0);
      expect(definition.defaultThreshold).toBeLessThanOrEqual(1);
    }
    expect(moderationCategoryDefinitions.hate_harassment.openAiCategories).toEqual(expect.arrayContaining(['hate', 'harassment']));
    expect(moderationCategoryDefinitions.self_harm.openAiCategories).toContain('self-harm');
    expect(moderationCategoryDefinitions.sexual_minors.openAiCategories).toEqual(['sexual/minors']);
    expect(moderationCategoryDefinitions.illegal_fraud.openAiCategories).toContain('illicit');
    expect(moderationCategoryDefinitions.violence_extremism.openAiCategories).toContain('violence');
    expect(moderationCategoryDefinitions.spam.openAiCategories).toEqual([]);
  });

  it('AUP-1 default policy enables every category and blocks sexual content involving minors both ways', () => {
    for (const category of moderationCategories) expect(defaultModerationPolicy.categories[category].isEnabled).toBe(true);
    expect(defaultModerationPolicy.categories.sexual_minors).toMatchObject({ input: 'block', output: 'block' });
    expect(defaultModerationPolicy.categories.regulated_advice.output).toBe('flag');
    expect(Object.isFrozen(defaultModerationPolicy.categories.spam)).toBe(true);
    expect(createDefaultModerationPolicy()).toEqual(defaultModerationPolicy);
  });

  it('AUP-1 validation completes a partial policy with the defaults', () => {
    const result = validateModerationPolicy({ categories: { political_campaigning: { isEnabled: false }, spam: { threshold: 0.8, output: 'block' } } });
    expect(result.isValid).toBe(true);
    if (!result.isValid) return;
    expect(result.policy.categories.political_campaigning.isEnabled).toBe(false);
    expect(result.policy.categories.spam).toMatchObject({ threshold: 0.8, output: 'block', input: 'flag', isEnabled: true });
    expect(result.policy.categories.violence_extremism).toEqual(defaultModerationPolicy.categories.violence_extremism);
  });

  it('AUP-1 validation reports unknown categories, keys, bad thresholds and bad actions with their paths', () => {
    const result = validateModerationPolicy({
      categories: { violence: { isEnabled: false }, spam: { threshold: 1.5, color: 'red' }, sexual: { input: 'delete' } },
      extra: true,
    });
    expect(result.isValid).toBe(false);
    if (result.isValid) return;
    expect(result.issues.map((issue) => issue.path).sort()).toEqual(['categories.sexual.input', 'categories.spam.color', 'categories.spam.threshold', 'categories.violence', 'extra']);
  });

  it('AUP-2 redact is only allowed for categories whose detectors return spans', () => {
    expect(validateModerationPolicy({ categories: { privacy_personal_data: { output: 'redact', input: 'redact' } } }).isValid).toBe(true);
    const result = validateModerationPolicy({ categories: { hate_harassment: { output: 'redact' } } });
    expect(result.isValid).toBe(false);
  });

  it('AUP-1 sexual content involving minors cannot be switched off or downgraded', () => {
    expect(validateModerationPolicy({ categories: { sexual_minors: { isEnabled: false } } }).isValid).toBe(false);
    expect(validateModerationPolicy({ categories: { sexual_minors: { output: 'flag' } } }).isValid).toBe(false);
  });

  it('AUP-1 parseModerationPolicy throws InvalidRequestError naming the first bad parameter', () => {
    expect(() => parseModerationPolicy({ categories: { spam: { threshold: -1 } } })).toThrow(InvalidRequestError);
    try {
      parseModerationPolicy({ categories: { spam: { threshold: -1 } } });
    } catch (error) {
      expect((error as InvalidRequestError).param).toBe('categories.spam.threshold');
    }
    expect(parseModerationPolicy(undefined)).toEqual(defaultModerationPolicy);
    expect(() => parseModerationPolicy('strict')).toThrow(InvalidRequestError);
  });

  it('AUP-2 the strongest action wins: block > redact > flag > allow', () => {
    expect(strongerModerationAction('flag', 'block')).toBe('block');
    expect(strongerModerationAction('redact', 'flag')).toBe('redact');
    expect(strongerModerationAction('allow', 'allow')).toBe('allow');
  });
});
