import { EngineFailure } from '@charter/engine-spec';
import type { FinishReason, TokenUsage, ToolCallDelta } from '@charter/engine-spec';
import type { WireCompletionPayload, WireToolCallDelta } from './openai-wire-types.js';
import { failureFromStreamError } from './upstream-errors.js';

/** Which endpoint a stream comes from: chat chunks carry `delta`, legacy completion chunks carry `text`. */
export type GenerationKind = 'chat' | 'completion';

/** A `delta` GenerationEvent. */
export interface DeltaEvent {
  type: 'delta';
  text?: string;
  toolCalls?: ToolCallDelta[];
}

/**
 * Token usage the engine had to estimate because the upstream sent no usage block. engine-spec's
 * `TokenUsage` has no field for this yet, so the marker rides on the object as an extra property:
 * metering can recognise it with {@link isEstimatedTokenUsage}.
 */
export interface EstimatedTokenUsage extends TokenUsage {
  isEstimated: true;
}

/** Whether a finish event's usage was estimated rather than reported by the upstream. */
export function isEstimatedTokenUsage(usage: TokenUsage): usage is EstimatedTokenUsage {
  return (usage as Partial<EstimatedTokenUsage>).isEstimated === true;
}

const HIGH_SURROGATE_FIRST = 0xd800;
const HIGH_SURROGATE_LAST = 0xdbff;
const REPLACEMENT_CHARACTER = '\uFFFD';

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Native since V8 11.1 (Node 20); the regular expression is only a fallback for older runtimes.
const hasNativeWellFormed = typeof (String.prototype as Partial<WellFormedString>).isWellFormed === 'function';

function toWellFormed(text: string): string {
  if (hasNativeWellFormed) {
    const native = text as unknown as WellFormedString;
    return native.isWellFormed() ? text : native.toWellFormed();
  }
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, REPLACEMENT_CHARACTER) : text;
}

/**
 * Turns the payloads of one upstream response (SSE `data` strings, or a whole JSON body from an upstream
 * that ignored `stream: true`) into delta events, and remembers what the finish event needs: the finish
 * reason, the upstream's usage block, and enough to estimate usage when there is none.
 *
 * Only the first choice is read: the engine never asks for `n > 1`.
 */
export class StreamEventMapper {
  finishReason: FinishReason | undefined = undefined;
  /** The upstream's own usage block; the last one wins (some servers send running totals). */
  usage: TokenUsage | undefined = undefined;
  /** Chunks that carried generated text or tool-call arguments: the last-resort completion estimate. */
  contentChunkCount = 0;
  /** `data: [DONE]` arrived (or a whole JSON response was mapped). */
  isDone = false;
  /** Everything generated, kept only when the usage fallback may need to count it. */
  generatedText = '';
  /**
   * A high surrogate that ended the previous text: JSON escapes let an upstream split a surrogate pair
   * across chunks, and a delta must never end in half a character.
   */
  private heldSurrogate = '';

  constructor(
    private readonly kind: GenerationKind,
    private readonly isTextKept: boolean,
  ) {}

  /** Map one SSE `data` payload; returns the delta it carries, if any. */
  mapData(data: string): DeltaEvent | undefined {
    if (data === '[DONE]') {
      this.isDone = true;
      return undefined;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch (error) {
      throw new EngineFailure('unavailable', 'upstream sent a malformed stream event', { cause: error });
    }
    return this.mapPayload(payload, false);
  }

  /** Map a whole non-streamed response body (`chat.completion` / `text_completion`). */
  mapWholeResponse(bodyText: string): DeltaEvent | undefined {
    let payload: unknown;
    try {
      payload = JSON.parse(bodyText);
    } catch (error) {
      throw new EngineFailure('unavailable', 'upstream sent a malformed JSON response', { cause: error });
    }
    const event = this.mapPayload(payload, true);
    this.isDone = true;
    return event;
  }

  /** A held half surrogate pair that never got its other half is malformed upstream output: replace it. */
  flush(): DeltaEvent | undefined {
    if (this.heldSurrogate.length === 0) return undefined;
    this.heldSurrogate = '';
    return { type: 'delta', text: REPLACEMENT_CHARACTER };
  }

  private mapPayload(payload: unknown, isWhole: boolean): DeltaEvent | undefined {
    if (typeof payload !== 'object' || payload === null) {
      throw new EngineFailure('unavailable', 'upstream sent an event that is not a JSON object');
    }
    const chunk = payload as WireCompletionPayload;
    if (chunk.error !== undefined && chunk.error !== null) throw failureFromStreamError(chunk.error);
    const usage = chunk.usage;
    if (usage !== undefined && usage !== null && typeof usage.prompt_tokens === 'number') {
      this.usage = {
        promptTokens: Math.round(usage.prompt_tokens),
        completionTokens: typeof usage.completion_tokens === 'number' ? Math.round(usage.completion_tokens) : 0,
      };
    }
    const choices = chunk.choices;
    if (!Array.isArray(choices) || choices.length === 0) return undefined;
    const choice = choices[0];
    if (typeof choice !== 'object' || choice === null) return undefined;
    if (typeof choice.finish_reason === 'string') this.finishReason = toFinishReason(choice.finish_reason);

    let text: unknown;
    let wireToolCalls: unknown;
    if (this.kind === 'completion') {
      text = choice.text;
    } else {
      const message = isWhole ? choice.message : choice.delta;
      if (typeof message === 'object' && message !== null) {
        text = message.content;
        wireToolCalls = message.tool_calls;
      }
    }

    let event: DeltaEvent | undefined;
    if (typeof text === 'string' && text.length > 0) {
      const wellFormed = this.completeCharacters(text);
      if (wellFormed.length > 0) {
        event = { type: 'delta', text: wellFormed };
        if (this.isTextKept) this.generatedText += wellFormed;
      }
    }
    if (Array.isArray(wireToolCalls) && wireToolCalls.length > 0) {
      const toolCalls = toToolCallDeltas(wireToolCalls as WireToolCallDelta[]);
      if (this.isTextKept) {
        for (const call of toolCalls) if (call.argumentsJsonDelta !== undefined) this.generatedText += call.argumentsJsonDelta;
      }
      if (event === undefined) event = { type: 'delta', toolCalls };
      else event.toolCalls = toolCalls;
    }
    if (event !== undefined) this.contentChunkCount++;
    return event;
  }

  private completeCharacters(text: string): string {
    if (this.heldSurrogate.length > 0) {
      text = this.heldSurrogate + text;
      this.heldSurrogate = '';
    }
    const last = text.charCodeAt(text.length - 1);
    if (last >= HIGH_SURROGATE_FIRST && last <= HIGH_SURROGATE_LAST) {
      this.heldSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    return toWellFormed(text);
  }
}

function toToolCallDeltas(wireCalls: WireToolCallDelta[]): ToolCallDelta[] {
  const deltas = new Array<ToolCallDelta>(wireCalls.length);
  for (let position = 0; position < wireCalls.length; position++) {
    const call = wireCalls[position] as WireToolCallDelta;
    // Some servers leave out `index` when they send one call per chunk.
    const delta: ToolCallDelta = { index: typeof call.index === 'number' ? call.index : position };
    if (typeof call.id === 'string' && call.id.length > 0) delta.id = call.id;
    const wireFunction = call.function;
    if (typeof wireFunction === 'object' && wireFunction !== null) {
      if (typeof wireFunction.name === 'string' && wireFunction.name.length > 0) delta.name = wireFunction.name;
      const argumentsJson: unknown = wireFunction.arguments;
      if (typeof argumentsJson === 'string') {
        if (argumentsJson.length > 0) delta.argumentsJsonDelta = toWellFormed(argumentsJson);
      } else if (typeof argumentsJson === 'object' && argumentsJson !== null) {
        // Ollama-style upstreams may send the arguments as an object in a whole response.
        delta.argumentsJsonDelta = JSON.stringify(argumentsJson);
      }
    }
    deltas[position] = delta;
  }
  return deltas;
}

/** OpenAI's finish reasons; the legacy and server-specific ones mapped to their nearest equivalent. */
export function toFinishReason(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      // vLLM's 'abort', llama.cpp's 'eos' and anything newer: generation ended without a known cause.
      return 'stop';
  }
}
