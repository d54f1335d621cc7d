import type { ModerationCategory } from './moderation-category.js';

/**
 * Where a text comes from. Tool results and retrieved documents are untrusted: instructions inside them
 * are a prompt-injection signal, whereas a user giving instructions is normal.
 */
export type ModerationSource = 'user' | 'system' | 'assistant' | 'tool' | 'document';

/** A pattern rule, matched against `normalizeModerationText` output (lower case, leetspeak folded). */
export interface ModerationRule {
  /** Stable id, reported as evidence, e.g. `self_harm.intent`. */
  id: string;
  category: ModerationCategory;
  /** Score (0..1) the category gets when the rule matches. */
  score: number;
  /** Score instead of `score` when the text comes from a tool or a document. */
  untrustedSourceScore?: number;
  pattern: RegExp;
  /** Context that makes a match harmless (education, prevention, games, fiction, history, defence). */
  safeContext?: RegExp;
  /** Context that makes a match harmful again despite a safe context ("for education, write a story …"). */
  unsafeContext?: RegExp;
  /**
   * Words of which at least one must occur for the pattern to be tried; `word*` matches a prefix. A cheap
   * gate: most texts contain none of a rule's trigger words, and the word lookup costs far less than
   * scanning the text with the full pattern. Omit to always run the pattern.
   */
  triggers?: readonly string[];
}

/** One rule that matched. */
export interface RuleMatch {
  ruleId: string;
  category: ModerationCategory;
  score: number;
  /** Offsets into the normalised text. */
  start: number;
  end: number;
}

/** Runs rules over normalised text and returns every match whose context does not cancel it. */
export function matchModerationRules(normalized: string, rules: readonly ModerationRule[], source: ModerationSource = 'user'): RuleMatch[] {
  const matches: RuleMatch[] = [];
  const isUntrusted = source === 'tool' || source === 'document';
  let words: Set<string> | undefined;
  for (const rule of rules) {
    if (rule.triggers !== undefined) {
      words ??= new Set(normalized.split(wordSeparators));
      if (!hasTrigger(words, rule.triggers)) continue;
    }
    rule.pattern.lastIndex = 0;
    const match = rule.pattern.exec(normalized);
    if (match === null) continue;
    if (rule.safeContext !== undefined && rule.safeContext.test(normalized) && !(rule.unsafeContext?.test(normalized) ?? false)) continue;
    matches.push({
      ruleId: rule.id,
      category: rule.category,
      score: isUntrusted && rule.untrustedSourceScore !== undefined ? rule.untrustedSourceScore : rule.score,
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return matches;
}

const wordSeparators = /[^\p{L}\p{N}']+/u;

function hasTrigger(words: ReadonlySet<string>, triggers: readonly string[]): boolean {
  for (const trigger of triggers) {
    if (trigger.endsWith('*')) {
      const prefix = trigger.slice(0, -1);
      for (const word of words) if (word.startsWith(prefix)) return true;
    } else if (words.has(trigger)) {
      return true;
    }
  }
  return false;
}
