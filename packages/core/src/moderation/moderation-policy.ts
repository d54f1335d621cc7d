import { moderationCategories, moderationCategoryDefinitions, type ModerationCategory } from './moderation-category.js';

/** What happens to content that hits a category (AUP-2). */
export type ModerationAction = 'allow' | 'flag' | 'block' | 'redact';

/** Actions from weakest to strongest: when several categories hit, the strongest action wins. */
export const moderationActionsByStrength: readonly ModerationAction[] = ['allow', 'flag', 'redact', 'block'];

/** Whether the text is a prompt going to the model or an output coming back from it. */
export type ModerationDirection = 'input' | 'output';

/** The deployment's rule for one category. */
export interface CategoryPolicy {
  /** Off means the category is not scored at all and never hits. */
  isEnabled: boolean;
  /** Score (0..1) at or above which the category hits. */
  threshold: number;
  /** Action on prompts, tool results and documents sent to the model. */
  input: ModerationAction;
  /** Action on model outputs. */
  output: ModerationAction;
}

/** Per-deployment moderation configuration (AUP-1, AUP-2). */
export interface ModerationPolicy {
  categories: Record<ModerationCategory, CategoryPolicy>;
}

/** A partial policy as an operator writes it; missing fields fall back to the default policy. */
export interface ModerationPolicyOverrides {
  categories?: Partial<Record<ModerationCategory, Partial<CategoryPolicy>>>;
}

// Blocking on a statistical classifier turns its false positives into refused requests, so the default
// only flags and leaves blocking to operators — except for content that is never acceptable.
const defaultActions: Readonly<Record<ModerationCategory, Pick<CategoryPolicy, 'input' | 'output'>>> = {
  violence_extremism: { input: 'flag', output: 'flag' },
  hate_harassment: { input: 'flag', output: 'flag' },
  sexual: { input: 'flag', output: 'flag' },
  sexual_minors: { input: 'block', output: 'block' },
  self_harm: { input: 'flag', output: 'flag' },
  illegal_fraud: { input: 'flag', output: 'flag' },
  malware_security: { input: 'flag', output: 'flag' },
  privacy_personal_data: { input: 'flag', output: 'redact' },
  misinformation: { input: 'flag', output: 'flag' },
  political_campaigning: { input: 'flag', output: 'flag' },
  // AUP-10 asks for a notice on outputs, never a block; flagging the output is what triggers the notice.
  regulated_advice: { input: 'allow', output: 'flag' },
  spam: { input: 'flag', output: 'flag' },
  ip_infringement: { input: 'flag', output: 'flag' },
  impersonation: { input: 'flag', output: 'flag' },
  prompt_injection_jailbreak: { input: 'flag', output: 'allow' },
  critical_infrastructure: { input: 'flag', output: 'flag' },
};

/** Builds the default policy: every category on, default thresholds, the actions above. */
export function createDefaultModerationPolicy(): ModerationPolicy {
  const categories = {} as Record<ModerationCategory, CategoryPolicy>;
  for (const category of moderationCategories) {
    categories[category] = {
      isEnabled: true,
      threshold: moderationCategoryDefinitions[category].defaultThreshold,
      ...defaultActions[category],
    };
  }
  return { categories };
}

/** The default policy. Frozen; use `createDefaultModerationPolicy()` for a copy to change. */
export const defaultModerationPolicy: Readonly<ModerationPolicy> = deepFreeze(createDefaultModerationPolicy());

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

/** The strongest of two actions. */
export function strongerModerationAction(first: ModerationAction, second: ModerationAction): ModerationAction {
  return moderationActionsByStrength.indexOf(first) >= moderationActionsByStrength.indexOf(second) ? first : second;
}
