/**
 * The contract every inference engine implements: the embedded llama.cpp engine, any OpenAI-compatible
 * upstream, and whatever comes later. Types only. The domain (core) talks to engines exclusively through
 * these types; engines know nothing of keys, owners, limits or HTTP routes.
 *
 * Conventions: camelCase, times in milliseconds, token counts as integers. Text is always complete
 * Unicode: an engine never emits a string that ends in the middle of a multi-byte character or a
 * surrogate pair.
 */

/** A role in a chat transcript. */
export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** One function call the model asked for. `argumentsJson` is the raw JSON text of the arguments. */
export interface ToolCall {
  /** Identifier the caller echoes back in the `tool` message that answers the call. */
  id: string;
  /** Name of the function, one of the tools offered in the request. */
  name: string;
  /** The arguments as JSON text, as the model produced them. */
  argumentsJson: string;
}

/** One message of a chat transcript. Content parts are flattened to text before they reach an engine. */
export interface ChatMessage {
  role: ChatRole;
  /** Text of the message; `null` for an assistant message that only carries tool calls. */
  content: string | null;
  /** Optional participant name (OpenAI `name`). */
  name?: string;
  /** For assistant messages: the tool calls the model made. */
  toolCalls?: ToolCall[];
  /** For tool messages: the id of the call this message answers. */
  toolCallId?: string;
}

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: JsonSchema;
  /** When true the arguments must match `parameters` exactly. */
  strict?: boolean;
}

/** How the model may use tools: never, freely, at least one, or one named function. */
export type ToolChoice = 'none' | 'auto' | 'required' | { functionName: string };

/** A JSON Schema document, as received from the client. */
export type JsonSchema = { [key: string]: unknown };

/** The shape the output must take. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict?: boolean };

/** Sampling and length settings shared by chat and text completions. All optional: engine defaults apply. */
export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  /** Generation stops before any of these strings; the stop string itself is not emitted. */
  stop?: string[];
  /** Seed for reproducible sampling where the engine supports it. */
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

/** A chat completion request as an engine sees it. `model` is the engine-local model name. */
export interface ChatRequest extends SamplingOptions {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  /** End user identifier passed to upstreams that accept it (OpenAI `user`); never the raw account email. */
  endUser?: string;
}

/** A legacy text completion request. */
export interface TextCompletionRequest extends SamplingOptions {
  model: string;
  prompt: string;
  /** When true the prompt is repeated at the start of the output. */
  echo?: boolean;
}

/** Why generation ended, in OpenAI's vocabulary. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Token accounting for one request. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the engine could not count exactly (an upstream that sent no usage and has no tokenizer). */
  isEstimated?: boolean;
}

/** Partial tool call in a stream: the first delta of a call carries id and name, later ones append arguments. */
export interface ToolCallDelta {
  /** Position of the call among the calls of this response. */
  index: number;
  id?: string;
  name?: string;
  argumentsJsonDelta?: string;
}

/**
 * One event of a generation stream. A stream is zero or more `delta` events followed by exactly one
 * `finish` event; errors are thrown from the iterator as {@link EngineFailure}s.
 */
export type GenerationEvent =
  | { type: 'delta'; text?: string; toolCalls?: ToolCallDelta[] }
  | { type: 'finish'; finishReason: FinishReason; usage: TokenUsage };

/** A request to embed one or more inputs. */
export interface EmbeddingRequest {
  model: string;
  inputs: string[];
  /** Requested vector size, for engines and models that support truncation. */
  dimensions?: number;
}

/** The result of an embedding request: one vector per input, in input order. */
export interface EmbeddingResult {
  vectors: number[][];
  usage: { promptTokens: number };
}

/** What an engine says about a model it serves. */
export interface EngineModelInfo {
  /** Engine-local model name. */
  name: string;
  /** Context window in tokens, as the engine knows it (configuration may lower it). */
  contextWindow: number;
  /** Which request kinds the model supports. */
  capabilities: { chat: boolean; completion: boolean; embeddings: boolean };
}

/** Health as an engine reports it. */
export interface EngineHealth {
  isHealthy: boolean;
  /** Human-readable detail, e.g. the last error. Never contains prompt text. */
  detail?: string;
  /** Requests waiting for a free slot. */
  queueDepth: number;
  /** Requests being generated right now. */
  activeRequests: number;
}

/** Per-call options. */
export interface GenerationOptions {
  /** Aborted when the client disconnects or a deadline passes: the engine must stop work promptly. */
  signal: AbortSignal;
  /**
   * False when the caller will deliver the answer in one piece (a non-streaming API request). Engines may
   * then generate it in one piece too (an upstream gets one non-streaming request); the events are the same.
   * Default true.
   */
  isStreamed?: boolean;
}

/** The closed set of ways an engine call can fail. */
export type EngineFailureKind =
  /** The engine's queue is full: try again later (maps to 503). */
  | 'overloaded'
  /** The engine (or upstream) did not answer in time. */
  | 'timeout'
  /** The prompt does not fit the model's context window. */
  | 'context_length_exceeded'
  /** The engine rejected the request as invalid (bad schema, unsupported option). */
  | 'invalid_request'
  /** The model is not known to this engine. */
  | 'model_not_found'
  /** The caller aborted the request. */
  | 'aborted'
  /** The engine or upstream could not be reached or failed. */
  | 'unavailable'
  /** Anything else the engine reported. */
  | 'internal';

/**
 * The error type engines throw. Engines never throw anything else for request-level failures, so the
 * domain can decide about retries and fallbacks without knowing the engine.
 */
export class EngineFailure extends Error {
  readonly kind: EngineFailureKind;
  /** True when the same request may succeed if tried again (on this or another engine). */
  readonly isRetryable: boolean;
  /** Upstream HTTP status, when there was one. */
  readonly upstreamStatus?: number;
  /** The request parameter at fault, when known (OpenAI `param`). */
  readonly param?: string;

  constructor(
    kind: EngineFailureKind,
    message: string,
    options: { isRetryable?: boolean; upstreamStatus?: number; param?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'EngineFailure';
    this.kind = kind;
    this.isRetryable = options.isRetryable ?? (kind === 'overloaded' || kind === 'timeout' || kind === 'unavailable');
    this.upstreamStatus = options.upstreamStatus;
    this.param = options.param;
  }
}

/**
 * An inference engine. Implementations must:
 * - honour `options.signal` (stop generating, free the slot, reject with kind `aborted`); once the signal
 *   is aborted the next read of a stream throws `aborted`, even if more events were already buffered;
 * - bound their own queue and throw `overloaded` instead of queuing without limit;
 * - report exact token usage in the `finish` event (engine tokenizer, or the upstream's usage block);
 * - emit only whole Unicode characters in `delta.text`.
 */
export interface InferenceEngine {
  /** Stable identifier of this engine instance, e.g. `llamacpp` or the upstream route name. */
  readonly id: string;

  /** Models this engine serves. */
  listModels(): Promise<EngineModelInfo[]>;

  /**
   * Count the prompt tokens a chat request will use, with the model's own tokenizer and chat template.
   * Returns `undefined` when the engine cannot count locally (an upstream without a tokenizer).
   */
  countChatTokens(request: ChatRequest): Promise<number | undefined>;

  /** Count the tokens of plain text with the model's tokenizer; `undefined` when not possible locally. */
  countTextTokens(model: string, text: string): Promise<number | undefined>;

  /** Generate a chat completion as a stream of events. */
  streamChat(request: ChatRequest, options: GenerationOptions): AsyncIterable<GenerationEvent>;

  /** Generate a legacy text completion as a stream of events. */
  streamTextCompletion(request: TextCompletionRequest, options: GenerationOptions): AsyncIterable<GenerationEvent>;

  /** Embed inputs. */
  embed(request: EmbeddingRequest, options: GenerationOptions): Promise<EmbeddingResult>;

  /** Current health; cheap enough to call from a readiness probe. */
  health(): Promise<EngineHealth>;

  /** Release resources. Pending generations are aborted. */
  close(): Promise<void>;
}
