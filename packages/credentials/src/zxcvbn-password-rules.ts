import { zxcvbnOptions, zxcvbn } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import type { PasswordContext, PasswordStrengthRules } from '@charter/core';

let isConfigured = false;

function configure(): void {
  if (isConfigured) return;
  // The common dictionaries hold the most used passwords of public breach corpora, plus adjacency graphs
  // for keyboard patterns ("qwerty123").
  zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary, ...english.dictionary }, graphs: common.adjacencyGraphs, translations: english.translations });
  isConfigured = true;
}

/**
 * `PasswordStrengthRules` with zxcvbn (ACC-3): rejects common and breached passwords, keyboard patterns and
 * passwords built from the person's own email or name, by requiring an estimate of at least `minimumScore`
 * (0–4; 3 means "safely unguessable: moderate protection from offline attacks").
 */
export class ZxcvbnPasswordRules implements PasswordStrengthRules {
  readonly #minimumScore: number;

  constructor(options: { minimumScore?: number } = {}) {
    this.#minimumScore = options.minimumScore ?? 3;
    configure();
  }

  weakness(password: string, context: PasswordContext): string | null {
    const personal = [context.email, context.email?.split('@')[0], context.displayName, ...(context.displayName?.split(/\s+/) ?? [])].filter(
      (word): word is string => typeof word === 'string' && word.length >= 3,
    );
    if (isMadeOfPersonalWords(password, personal)) return 'Do not build your password from your name or email address.';
    // zxcvbn's cost grows with length; past 100 characters only the prefix matters for guessability.
    const result = zxcvbn(password.slice(0, 100), personal);
    if (result.score >= this.#minimumScore) return null;
    const warning = result.feedback.warning ? `${result.feedback.warning.replace(/\.$/, '')}. ` : '';
    return `This password is too easy to guess. ${warning}Use a longer phrase of unrelated words, or let a password manager make one.`;
  }
}

/** True when, once the person's own words are removed, fewer than four letters are left ("MargueriteDupont1"). */
function isMadeOfPersonalWords(password: string, personalWords: readonly string[]): boolean {
  const lettersOnly = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[^\p{L}]/gu, '');
  let remaining = lettersOnly(password);
  const words = personalWords.flatMap((word) => word.split(/[^\p{L}]+/u)).map(lettersOnly).filter((word) => word.length >= 3);
  for (const word of words.sort((left, right) => right.length - left.length)) remaining = remaining.replaceAll(word, '');
  return words.length > 0 && remaining.length < 4;
}
