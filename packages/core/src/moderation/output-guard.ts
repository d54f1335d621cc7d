import type { ModerationResult } from './content-moderator.js';
import { redactSpans } from './personal-data-detector.js';

/** What the output guard lets through for one piece of text. */
export interface GuardDecision {
  /** Text that may be sent to the client now (possibly redacted). */
  release: string;
  /** True when the policy blocks: send nothing more and end with finish_reason `content_filter`. */
  isBlocked: boolean;
}

export interface OutputGuardOptions {
  moderate: (text: string) => ModerationResult;
  record: (result: ModerationResult, text: string) => Promise<void>;
  checkIntervalChars: number;
  holdBackChars: number;
  /** How much of the end of the output is scored at each check (the whole output is scored at the end). */
  windowChars?: number;
}

/**
 * Moderates an output while it streams (AUP-2). Text is held until it has been scored: every
 * `checkIntervalChars` new characters the recent window is re-scored, and only text older than
 * `holdBackChars` is released, so a phrase that becomes harmful with the next few tokens is judged whole
 * before any of it reaches the client. A block stops the stream; nothing after the last passing check
 * is sent. Personal data is redacted in what is released when the policy says so.
 */
export class OutputGuard {
  readonly #options: OutputGuardOptions;
  readonly #windowChars: number;
  #text = '';
  #releasedUpTo = 0;
  #checkedUpTo = 0;
  #isBlocked = false;
  readonly #recordedCategories = new Set<string>();

  constructor(options: OutputGuardOptions) {
    this.#options = options;
    this.#windowChars = options.windowChars ?? 2000;
  }

  get isBlocked(): boolean {
    return this.#isBlocked;
  }

  /** The whole output so far (released or not). */
  get text(): string {
    return this.#text;
  }

  /** Add generated text; returns what may be released now. */
  async push(delta: string): Promise<GuardDecision> {
    if (this.#isBlocked) return { release: '', isBlocked: true };
    this.#text += delta;
    if (this.#text.length - this.#checkedUpTo < this.#options.checkIntervalChars) return { release: '', isBlocked: false };
    return this.#check(this.#text.slice(Math.max(0, this.#text.length - this.#windowChars)), this.#text.length - this.#options.holdBackChars);
  }

  /** The generation ended: score the whole output and release the rest if it passes. */
  async finish(): Promise<GuardDecision> {
    if (this.#isBlocked) return { release: '', isBlocked: true };
    return this.#check(this.#text, this.#text.length);
  }

  async #check(scored: string, releasableUpTo: number): Promise<GuardDecision> {
    const result = this.#options.moderate(scored);
    this.#checkedUpTo = this.#text.length;
    if (result.isFlagged) {
      const fresh = result.flaggedCategories.filter((category) => !this.#recordedCategories.has(category));
      if (fresh.length > 0) {
        for (const category of fresh) this.#recordedCategories.add(category);
        await this.#options.record({ ...result, categories: result.categories.filter((entry) => fresh.includes(entry.category)) }, scored);
      }
    }
    if (result.action === 'block') {
      this.#isBlocked = true;
      return { release: '', isBlocked: true };
    }
    const end = Math.max(this.#releasedUpTo, releasableUpTo);
    let release = this.#text.slice(this.#releasedUpTo, end);
    // Never cut between the halves of a surrogate pair.
    if (release.length > 0 && isHighSurrogate(release.charCodeAt(release.length - 1)) && end < this.#text.length) release = release.slice(0, -1);
    this.#releasedUpTo += release.length;
    if (result.action === 'redact' && result.personalData.length > 0) release = redactReleased(release, this.#options.moderate);
    return { release, isBlocked: false };
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Redact personal data inside the released piece itself (spans straddling the release edge are caught next time). */
function redactReleased(release: string, moderate: (text: string) => ModerationResult): string {
  const result = moderate(release);
  return result.personalData.length > 0 ? redactSpans(release, result.personalData) : release;
}
