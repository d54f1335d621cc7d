import type { InferenceEngine } from '@charter/engine-spec';
import type { ModerationCategory } from './moderation-category.js';
import type { ModerationDirection } from './moderation-policy.js';

/** Categories a guard model reported, each with score 1 (guard models answer with labels, not scores). */
export type GuardVerdict = ReadonlyMap<ModerationCategory, number>;

/** A second opinion from a guard model served by an engine (Llama Guard or Qwen3Guard style). */
export interface GuardModelOptions {
  engine: InferenceEngine;
  /** Engine-local model name of the guard model. */
  model: string;
  /** Upper bound on the verdict's length in tokens. */
  maxTokens?: number;
}

/** Llama Guard 3 hazard codes → our taxonomy. */
const llamaGuardCodes: Readonly<Record<string, ModerationCategory>> = {
  S1: 'violence_extremism',
  S2: 'illegal_fraud',
  S3: 'sexual',
  S4: 'sexual_minors',
  S5: 'impersonation',
  S6: 'regulated_advice',
  S7: 'privacy_personal_data',
  S8: 'ip_infringement',
  S9: 'violence_extremism',
  S10: 'hate_harassment',
  S11: 'self_harm',
  S12: 'sexual',
  S13: 'political_campaigning',
  S14: 'malware_security',
};

/** Qwen3Guard category names (lower-cased) → our taxonomy. */
const qwenGuardNames: Readonly<Record<string, ModerationCategory>> = {
  violent: 'violence_extremism',
  'non-violent illegal acts': 'illegal_fraud',
  'sexual content or sexual acts': 'sexual',
  pii: 'privacy_personal_data',
  'suicide & self-harm': 'self_harm',
  'unethical acts': 'illegal_fraud',
  'politically sensitive topics': 'political_campaigning',
  'copyright violation': 'ip_infringement',
  jailbreak: 'prompt_injection_jailbreak',
};

/**
 * Parse a guard model's answer: Llama Guard (`safe`, or `unsafe` then `S1,S10`) or Qwen3Guard
 * (`Safety: Unsafe` then `Categories: Violent, PII`). An unsafe verdict without a known label counts as
 * illegal_fraud so it is never silently dropped.
 */
export function parseGuardVerdict(answer: string): Map<ModerationCategory, number> {
  const verdict = new Map<ModerationCategory, number>();
  const text = answer.trim();
  const isUnsafe = /^unsafe\b/i.test(text) || /safety:\s*(unsafe|controversial)/i.test(text);
  if (!isUnsafe) return verdict;
  for (const code of text.match(/\bS\d{1,2}\b/g) ?? []) {
    const category = llamaGuardCodes[code];
    if (category) verdict.set(category, 1);
  }
  const categoriesLine = /categories:\s*(.+)/i.exec(text)?.[1];
  for (const name of categoriesLine?.split(',') ?? []) {
    const category = qwenGuardNames[name.trim().toLowerCase()];
    if (category) verdict.set(category, 1);
  }
  if (verdict.size === 0) verdict.set('illegal_fraud', 1);
  return verdict;
}

/** Asks a guard model about one text and maps its labels onto our taxonomy. */
export class GuardModelModerator {
  readonly #options: GuardModelOptions;

  constructor(options: GuardModelOptions) {
    this.#options = options;
  }

  async classify(text: string, direction: ModerationDirection, signal: AbortSignal): Promise<GuardVerdict> {
    // Guard models take the conversation and judge its last turn: a user turn for prompts, an agent turn for outputs.
    const messages =
      direction === 'input'
        ? [{ role: 'user' as const, content: text }]
        : [
            { role: 'user' as const, content: '(prompt withheld)' },
            { role: 'assistant' as const, content: text },
          ];
    let answer = '';
    const events = this.#options.engine.streamChat(
      { model: this.#options.model, messages, maxTokens: this.#options.maxTokens ?? 20, temperature: 0 },
      { signal, isStreamed: false },
    );
    for await (const event of events) if (event.type === 'delta' && event.text) answer += event.text;
    return parseGuardVerdict(answer);
  }
}
