import { moderationCategories, type ModerationCategory } from './moderation-category.js';
import type { ModerationClassifier } from './moderation-classifier.js';
import {
  createDefaultModerationPolicy,
  strongerModerationAction,
  type ModerationAction,
  type ModerationDirection,
  type ModerationPolicy,
} from './moderation-policy.js';
import { matchModerationRules, type ModerationRule, type ModerationSource } from './moderation-rule.js';
import { moderationRules } from './moderation-rules.js';
import { normalizeModerationText } from './normalize-moderation-text.js';
import { detectPersonalData, redactSpans, type PersonalDataSpan, type PersonalDataType } from './personal-data-detector.js';
import { promptInjectionRules } from './prompt-injection-rules.js';
import { detectRegulatedAdvice, type RegulatedAdviceResult } from './regulated-advice-detector.js';

/** What to moderate. */
export interface ModerationRequest {
  text: string;
  direction: ModerationDirection;
  /** Default `user` for inputs and `assistant` for outputs. */
  source?: ModerationSource;
}

/** The score of one category and what produced it. */
export interface CategoryScore {
  category: ModerationCategory;
  /** 0..1: the highest of the classifier head, the matching rules and detector evidence. */
  score: number;
  /** `classifier`, rule ids such as `self_harm.intent`, or `personal_data:<type>`. */
  evidence: string[];
}

/** A category score judged against the policy. */
export interface CategoryVerdict extends CategoryScore {
  isFlagged: boolean;
  /** The policy's action for the direction when flagged, else `allow`. */
  action: ModerationAction;
}

/** The outcome of moderating one text (AUP-2). */
export interface ModerationResult {
  /** True when any enabled category reached its threshold. */
  isFlagged: boolean;
  /** The strongest action over all flagged categories (block > redact > flag > allow). */
  action: ModerationAction;
  /** Every enabled category, in taxonomy order. */
  categories: CategoryVerdict[];
  flaggedCategories: ModerationCategory[];
  /** Personal data found (empty when the privacy category is disabled). */
  personalData: PersonalDataSpan[];
  /** The text with personal data replaced by placeholders, when the policy redacts in this direction. */
  redactedText: string | null;
  regulatedAdvice: RegulatedAdviceResult;
  /** Notice to attach to the answer (AUP-10) when regulated advice is flagged. */
  regulatedAdviceNotice: string | null;
}

/** Collaborators and configuration of the moderator. */
export interface ContentModeratorOptions {
  /** Trained heads; without one, only rules and detectors run (and classifier-only categories score 0). */
  classifier?: ModerationClassifier | null;
  policy?: ModerationPolicy;
  /** Replaces the built-in rule tables (tests, experiments). */
  rules?: readonly ModerationRule[];
}

// Identifiers and account numbers are sensitive on their own; contact details are ordinary in prompts and
// only count towards the category when the classifier also sees a request for private data.
const sensitivePersonalData: ReadonlySet<PersonalDataType> = new Set(['credit_card', 'iban', 'us_ssn', 'uk_nino', 'cn_resident_id']);
const sensitivePersonalDataScore = 0.6;
const contactPersonalDataScore = 0.3;

/**
 * Moderates prompts, tool results, documents and outputs: classifier heads, rule tables, personal-data
 * detectors and the regulated-advice topic detector, judged against a per-deployment policy. Pure and
 * synchronous; the caller records hits (AUP-6) and enforces the action.
 */
export class ContentModerator {
  private readonly classifier: ModerationClassifier | null;
  private readonly policy: ModerationPolicy;
  private readonly activeRules: readonly ModerationRule[];
  private readonly classifierOutput: Float64Array;

  constructor(options: ContentModeratorOptions = {}) {
    this.classifier = options.classifier ?? null;
    this.policy = options.policy ?? createDefaultModerationPolicy();
    const rules = options.rules ?? [...moderationRules, ...promptInjectionRules];
    this.activeRules = rules.filter((rule) => this.policy.categories[rule.category].isEnabled);
    this.classifierOutput = new Float64Array(this.classifier?.categories.length ?? 0);
  }

  /** Moderates one text against the policy. */
  moderate(request: ModerationRequest): ModerationResult {
    const { scores, personalData, regulatedAdvice } = this.score(request);
    const categories: CategoryVerdict[] = [];
    const flaggedCategories: ModerationCategory[] = [];
    let action: ModerationAction = 'allow';
    for (const category of moderationCategories) {
      const categoryPolicy = this.policy.categories[category];
      const categoryScore = scores.get(category);
      if (!categoryPolicy.isEnabled || categoryScore === undefined) continue;
      const isFlagged = categoryScore.score >= categoryPolicy.threshold;
      const categoryAction = isFlagged ? categoryPolicy[request.direction] : 'allow';
      if (isFlagged) flaggedCategories.push(category);
      action = strongerModerationAction(action, categoryAction);
      categories.push({ ...categoryScore, isFlagged, action: categoryAction });
    }
    // Redaction is a data-handling choice, not a verdict: when the policy redacts personal data in this
    // direction, every detected span is replaced, whether or not the category reached its threshold.
    const privacy = this.policy.categories.privacy_personal_data;
    let redactedText: string | null = null;
    if (privacy.isEnabled && privacy[request.direction] === 'redact' && personalData.length > 0) {
      redactedText = redactSpans(request.text, personalData);
      action = strongerModerationAction(action, 'redact');
    }
    const isRegulatedAdviceFlagged = flaggedCategories.includes('regulated_advice');
    return {
      isFlagged: flaggedCategories.length > 0,
      action,
      categories,
      flaggedCategories,
      personalData,
      redactedText,
      regulatedAdvice,
      regulatedAdviceNotice: isRegulatedAdviceFlagged ? (regulatedAdvice.notice ?? null) : null,
    };
  }

  /**
   * Raw category scores without policy actions, for enabled categories; for `POST /v1/moderations`
   * (AUP-3) and for evaluation.
   */
  scoreCategories(request: ModerationRequest): Map<ModerationCategory, CategoryScore> {
    return this.score(request).scores;
  }

  private score(request: ModerationRequest): {
    scores: Map<ModerationCategory, CategoryScore>;
    personalData: PersonalDataSpan[];
    regulatedAdvice: RegulatedAdviceResult;
  } {
    const enabled = this.policy.categories;
    const source = request.source ?? (request.direction === 'output' ? 'assistant' : 'user');
    const normalized = normalizeModerationText(request.text);
    const scores = new Map<ModerationCategory, CategoryScore>();
    for (const category of moderationCategories) {
      if (enabled[category].isEnabled) scores.set(category, { category, score: 0, evidence: [] });
    }
    const raise = (category: ModerationCategory, score: number, evidence: string): void => {
      const entry = scores.get(category);
      if (entry === undefined) return;
      if (score > entry.score) entry.score = score;
      entry.evidence.push(evidence);
    };

    if (this.classifier !== null) {
      this.classifier.scoreInto(normalized, this.classifierOutput);
      this.classifier.categories.forEach((category, index) => {
        const score = this.classifierOutput[index] as number;
        const entry = scores.get(category);
        if (entry !== undefined && score > entry.score) {
          entry.score = score;
          entry.evidence.push('classifier');
        }
      });
    }
    for (const match of matchModerationRules(normalized, this.activeRules, source)) {
      raise(match.category, match.score, match.ruleId);
    }

    let personalData: PersonalDataSpan[] = [];
    if (enabled.privacy_personal_data.isEnabled) {
      personalData = detectPersonalData(request.text);
      for (const span of personalData) {
        raise('privacy_personal_data', sensitivePersonalData.has(span.type) ? sensitivePersonalDataScore : contactPersonalDataScore, `personal_data:${span.type}`);
      }
    }
    const regulatedAdvice = detectRegulatedAdvice(request.text, {
      direction: request.direction,
      normalized,
      threshold: enabled.regulated_advice.threshold,
    });
    if (enabled.regulated_advice.isEnabled && regulatedAdvice.score > 0) {
      raise('regulated_advice', regulatedAdvice.score, `regulated_advice:${regulatedAdvice.topics.join('+') || 'weak'}`);
    }
    for (const entry of scores.values()) entry.evidence = [...new Set(entry.evidence)];
    return { scores, personalData, regulatedAdvice };
  }
}
