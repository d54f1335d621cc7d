import type { ModerationClassifier } from './moderation-classifier.js';
import { matchModerationRules, type ModerationSource } from './moderation-rule.js';
import { normalizeModerationText } from './normalize-moderation-text.js';
import { promptInjectionRules } from './prompt-injection-rules.js';

/** Result of prompt-injection and jailbreak detection (AUP-4). */
export interface PromptInjectionResult {
  /** max(classifier score, strongest rule score), 0..1. */
  score: number;
  isDetected: boolean;
  /** Classifier head score, or null when no classifier was given. */
  classifierScore: number | null;
  matchedRuleIds: string[];
}

/** Options of `detectPromptInjection`. */
export interface PromptInjectionOptions {
  /** Where the text came from; tool results and documents are judged more strictly. Default `user`. */
  source?: ModerationSource;
  /** A classifier with a `prompt_injection_jailbreak` head; without one only rules run. */
  classifier?: ModerationClassifier | null;
  /** Default 0.5. */
  threshold?: number;
}

/**
 * Detects prompt injection and jailbreaks in user input, tool results and documents: the trained head
 * (DAN-style and in-the-wild jailbreaks) plus rules for instruction overrides, system-prompt extraction,
 * developer-mode personas, chat-template tokens, hidden instructions and exfiltration.
 */
export function detectPromptInjection(text: string, options: PromptInjectionOptions = {}): PromptInjectionResult {
  const normalized = normalizeModerationText(text);
  const matches = matchModerationRules(normalized, promptInjectionRules, options.source ?? 'user');
  const ruleScore = matches.reduce((highest, match) => Math.max(highest, match.score), 0);
  const classifierScore = options.classifier?.categories.includes('prompt_injection_jailbreak')
    ? (options.classifier.scoreNormalized(normalized).prompt_injection_jailbreak ?? 0)
    : null;
  const score = Math.max(ruleScore, classifierScore ?? 0);
  return {
    score,
    isDetected: score >= (options.threshold ?? 0.5),
    classifierScore,
    matchedRuleIds: matches.map((match) => match.ruleId),
  };
}
