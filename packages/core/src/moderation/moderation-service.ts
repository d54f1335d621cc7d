import { createHash } from 'node:crypto';
import type { ChatMessage } from '@charter/engine-spec';
import type { Principal } from '../accounts/principal.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { ContentModerator, ModerationResult } from './content-moderator.js';
import type { GuardModelModerator } from './guard-model-moderator.js';
import { moderationCategories, type ModerationCategory } from './moderation-category.js';
import { ContentPolicyViolationError } from './moderation-errors.js';
import { strongerModerationAction, type ModerationAction, type ModerationDirection, type ModerationPolicy } from './moderation-policy.js';
import type { ModerationSource } from './moderation-rule.js';
import { OutputGuard } from './output-guard.js';
import { readableJsonArguments, ToolCallGuard } from './tool-call-guard.js';
import type { ViolationEvent, ViolationRepository } from './violation-event.js';

/** Who a moderation check is for. */
export interface ModerationContext {
  requestId: string;
  principal: Principal;
  signal: AbortSignal;
}

/** The outcome of checking a request's input. */
export interface InputVerdict {
  /** The messages to send on: redacted where the policy redacts. */
  messages: ChatMessage[];
  /** Notices to attach to the answer (AUP-10). */
  notices: string[];
  flaggedCategories: ModerationCategory[];
}

export interface ModerationServiceOptions {
  moderator: ContentModerator;
  policy: ModerationPolicy;
  violations: ViolationRepository;
  clock: Clock;
  logger: Logger;
  /** Keep the moderated text with each violation (off by default: only a hash is kept). */
  isEvidenceRetained?: boolean;
  /** Optional guard model consulted on inputs as well (its labels count as score 1). */
  guard?: GuardModelModerator;
  /** Output is re-scored each time this many new characters arrived. */
  outputCheckIntervalChars?: number;
  /** Characters held back after each passing check, so they are judged again with what follows. */
  outputHoldBackChars?: number;
}

const roleSources: Readonly<Record<ChatMessage['role'], ModerationSource | null>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  tool: 'tool',
  // Earlier answers were moderated as outputs when they were generated.
  assistant: null,
};

/**
 * Acceptable-use checks in the request path (AUP-2): prompts, tool results and documents before the
 * engine runs, outputs as they stream; every flag and block recorded as a violation event.
 */
export class ModerationService {
  readonly #options: ModerationServiceOptions;

  constructor(options: ModerationServiceOptions) {
    this.#options = options;
  }

  /** Check chat messages before generation; throws `ContentPolicyViolationError` when the policy blocks. */
  async checkChatInput(messages: readonly ChatMessage[], context: ModerationContext): Promise<InputVerdict> {
    const checked: ChatMessage[] = [];
    const notices = new Set<string>();
    const flagged = new Set<ModerationCategory>();
    const events: ViolationEvent[] = [];
    let action: ModerationAction = 'allow';
    for (const [index, message] of messages.entries()) {
      const source = roleSources[message.role];
      if (source === null || !message.content) {
        checked.push(message);
        continue;
      }
      const result = await this.#moderateInput(message.content, source, context);
      action = strongerModerationAction(action, result.action);
      for (const category of result.flaggedCategories) flagged.add(category);
      if (result.regulatedAdviceNotice) notices.add(result.regulatedAdviceNotice);
      events.push(...this.#violations(result, message.content, 'input', source, context, `messages[${index}]`));
      checked.push(result.redactedText !== null ? { ...message, content: result.redactedText } : message);
    }
    await this.#record(events);
    if (action === 'block') throw new ContentPolicyViolationError(blockedCategories(events), 'messages');
    return { messages: checked, notices: [...notices], flaggedCategories: [...flagged] };
  }

  /** Check a legacy completion prompt; returns the prompt to send on (redacted where the policy says). */
  async checkPromptInput(prompt: string, context: ModerationContext): Promise<{ prompt: string; notices: string[] }> {
    const verdict = await this.checkChatInput([{ role: 'user', content: prompt }], context);
    return { prompt: verdict.messages[0]?.content ?? prompt, notices: verdict.notices };
  }

  /**
   * A guard for one output: it decides what text may be released and when to stop. An answer that is not
   * streamed is released only at the end anyway, so it is scored once, whole, instead of as it grows.
   */
  createOutputGuard(context: ModerationContext & { isStreamed?: boolean }): OutputGuard {
    return this.#outputGuard(context, (text) => text, 'output');
  }

  /**
   * A guard for the function-call arguments of one output (AUP-2): each call is moderated like output text,
   * with the same check interval and hold-back, and recorded as output of the assistant.
   */
  createToolCallGuard(context: ModerationContext & { isStreamed?: boolean }): ToolCallGuard {
    return new ToolCallGuard(() => this.#outputGuard(context, readableJsonArguments, 'tool_calls'));
  }

  /** Scores for `POST /v1/moderations` (AUP-3): every category, no actions, nothing recorded. */
  scoreForApi(text: string): Map<ModerationCategory, { score: number; isFlagged: boolean }> {
    const scores = this.#options.moderator.scoreCategories({ text, direction: 'input', source: 'user' });
    const result = new Map<ModerationCategory, { score: number; isFlagged: boolean }>();
    for (const category of moderationCategories) {
      const policy = this.#options.policy.categories[category];
      const score = scores.get(category)?.score ?? 0;
      result.set(category, { score, isFlagged: policy.isEnabled && score >= policy.threshold });
    }
    return result;
  }

  #outputGuard(context: ModerationContext & { isStreamed?: boolean }, readable: (text: string) => string, where: string): OutputGuard {
    return new OutputGuard({
      moderate: (text) => this.#options.moderator.moderate({ text: readable(text), direction: 'output', source: 'assistant' }),
      record: (result, text) => this.#record(this.#violations(result, text, 'output', 'assistant', context, where)),
      checkIntervalChars: context.isStreamed === false ? Number.POSITIVE_INFINITY : (this.#options.outputCheckIntervalChars ?? 48),
      holdBackChars: this.#options.outputHoldBackChars ?? 24,
    });
  }

  async #moderateInput(text: string, source: ModerationSource, context: ModerationContext): Promise<ModerationResult> {
    const result = this.#options.moderator.moderate({ text, direction: 'input', source });
    const guard = this.#options.guard;
    if (!guard) return result;
    const verdict = await guard.classify(text, 'input', context.signal);
    if (verdict.size === 0) return result;
    // Guard labels join the local verdict: a category the guard reports counts as hit at score 1.
    let action = result.action;
    const categories = result.categories.map((entry) => {
      if (!verdict.has(entry.category)) return entry;
      const policy = this.#options.policy.categories[entry.category];
      action = strongerModerationAction(action, policy.input);
      return { ...entry, score: 1, isFlagged: true, action: policy.input, evidence: [...entry.evidence, 'guard_model'] };
    });
    const flaggedCategories = categories.filter((entry) => entry.isFlagged).map((entry) => entry.category);
    return { ...result, categories, flaggedCategories, isFlagged: flaggedCategories.length > 0, action };
  }

  #violations(result: ModerationResult, text: string, direction: ModerationDirection, source: ModerationSource, context: ModerationContext, _where: string): ViolationEvent[] {
    if (!result.isFlagged) return [];
    const excerptHash = createHash('sha256').update(text).digest('hex');
    const occurredAt = this.#options.clock();
    return result.categories
      .filter((entry) => entry.isFlagged && entry.action !== 'allow')
      .map((entry) => ({
        id: newId('violation'),
        requestId: context.requestId,
        userId: context.principal.userId,
        organizationId: context.principal.organizationId,
        apiKeyId: context.principal.apiKeyId,
        direction,
        source,
        category: entry.category,
        score: entry.score,
        action: entry.action,
        excerptHash,
        evidenceText: this.#options.isEvidenceRetained ? text : null,
        occurredAt,
      }));
  }

  async #record(events: ViolationEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.#options.violations.insertMany(events);
    } catch (error) {
      // A lost record must not turn into a refused request, but it must be visible.
      this.#options.logger.error({ err: error, count: events.length }, 'could not record violation events');
    }
  }
}

function blockedCategories(events: readonly ViolationEvent[]): ModerationCategory[] {
  return [...new Set(events.filter((event) => event.action === 'block').map((event) => event.category))];
}
