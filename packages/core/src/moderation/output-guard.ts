import type { ModerationResult } from './content-moderator.js';
import { type PersonalDataSpan, redactSpans } from './personal-data-detector.js';

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
    const offset = this.#text.length - scored.length;
    const spans = result.personalData.map((span) => ({ ...span, start: span.start + offset, end: span.end + offset }));
    const end = releaseEdge(this.#text, this.#releasedUpTo, Math.max(this.#releasedUpTo, releasableUpTo), spans);
    let release = this.#text.slice(this.#releasedUpTo, end);
    const releasedFrom = this.#releasedUpTo;
    this.#releasedUpTo += release.length;
    if (result.action === 'redact' && spans.length > 0) release = redactReleased(release, releasedFrom, spans, this.#options.moderate);
    return { release, isBlocked: false };
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Characters that make up the tokens personal data is written in (emails, URLs, IBANs, numbers). CJK and other
 * scripts written without spaces are not followed, so their text is never held back for a whole sentence.
 */
function isTokenCharacter(character: string | undefined): boolean {
  return character !== undefined && /[A-Za-z0-9@._%+\-/:#~?=&]/.test(character);
}

const isDigit = (character: string | undefined) => character !== undefined && character >= '0' && character <= '9';

/**
 * Whether a cut at `position` would split a token: both sides are token characters, or it falls in a digit
 * group separator ("4111 1111", "+49 30 1234") between digits, so card and phone numbers stay whole.
 */
function continuesToken(text: string, position: number): boolean {
  const before = text[position - 1];
  const after = text[position];
  if (isTokenCharacter(before) && isTokenCharacter(after)) return true;
  if (before === ' ' && isDigit(text[position - 2]) && isDigit(after)) return true;
  return after === ' ' && isDigit(before) && isDigit(text[position + 1]);
}

/** How far back from a candidate edge a word is followed to its start before the edge gives up on it. */
const maxWordChars = 96;

/**
 * Where to stop releasing, at most `candidate`: never inside a piece of personal data found so far (the whole
 * span waits and is redacted in one piece), never inside a token (an email, URL or IBAN still arriving is one
 * token, so none of it leaves before it is complete and checked), never between the halves of a surrogate pair.
 */
export function releaseEdge(text: string, releasedUpTo: number, candidate: number, spans: ReadonlyArray<{ start: number; end: number }>): number {
  let end = candidate;
  if (end >= text.length) return text.length;
  for (const span of spans) if (span.start < end && span.end > end) end = Math.max(releasedUpTo, span.start);
  if (end > releasedUpTo && continuesToken(text, end)) {
    let wordStart = end;
    while (wordStart > releasedUpTo && end - wordStart < maxWordChars && continuesToken(text, wordStart)) wordStart -= 1;
    if (end - wordStart < maxWordChars) end = wordStart;
  }
  if (end > releasedUpTo && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return end;
}

/** Redact personal data in the released piece: spans found over the whole window, and any found in the piece itself. */
function redactReleased(release: string, releasedFrom: number, spans: ReadonlyArray<PersonalDataSpan>, moderate: (text: string) => ModerationResult): string {
  const inside = spans.filter((span) => span.start >= releasedFrom && span.end <= releasedFrom + release.length).map((span) => ({ ...span, start: span.start - releasedFrom, end: span.end - releasedFrom }));
  const own = moderate(release).personalData;
  const all = [...inside, ...own.filter((span) => !inside.some((other) => other.start < span.end && span.start < other.end))];
  return all.length > 0 ? redactSpans(release, all) : release;
}
