import { randomBytes } from 'node:crypto';
import {
  EngineFailure,
  type ChatRequest,
  type EmbeddingRequest,
  type EmbeddingResult,
  type EngineHealth,
  type EngineModelInfo,
  type FinishReason,
  type GenerationEvent,
  type GenerationOptions,
  type InferenceEngine,
  type JsonSchema,
  type ResponseFormat,
  type TextCompletionRequest,
  type ToolDefinition,
} from '@charter/engine-spec';
import {
  DisposedError,
  InsufficientMemoryError,
  LlamaChat,
  LlamaCompletion,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  type LlamaGrammar,
} from 'node-llama-cpp';
import type { LlamaCppEngineLogger } from './engine-options.js';
import { errorMessage } from './error-message.js';
import { EventChannel } from './event-channel.js';
import type { LoadedModel } from './loaded-model.js';
import { countCompletionPromptTokens, resolveMaxTokens, toChatModelFunctions, toolParameters, toSampling } from './generation-parameters.js';
import { toChatHistory } from './to-chat-history.js';
import { toGbnfJsonSchema } from './to-gbnf-json-schema.js';
import { Utf8SafeText } from './utf8-safe-text.js';

const maxEmbeddingContextTokens = 8192;
const grammarCacheSize = 64;

/** What a generation job tells the shared streaming loop when it has finished. */
interface JobOutcome {
  finishReason: FinishReason;
  /** Deltas to emit after the streamed text, e.g. tool calls known only at the end. */
  trailingDeltas?: GenerationEvent[];
}

interface GenerationJob {
  promptTokens: number;
  /** Deltas to emit before generation, e.g. the echoed prompt. */
  leadingDeltas?: GenerationEvent[];
  /** Wraps a whole-characters text piece into the delta the caller expects. */
  toDelta(text: string): GenerationEvent;
  run(sequence: LlamaContextSequence, signal: AbortSignal, onText: (text: string) => void): Promise<JobOutcome>;
}

/** How a chat request is rendered and constrained. */
interface ChatPlan {
  history: ChatHistoryItem[];
  /** Tools offered to the model's own function calling (`tool_choice: auto`). */
  functions?: ChatModelFunctions;
  /** The tool whose arguments the output is forced to be (`required` or a named function). */
  forcedTool?: ToolDefinition;
  promptTokens: number;
}

/**
 * The embedded inference engine: GGUF models run in-process through node-llama-cpp. Each model has one
 * context whose sequences are handed to requests by a bounded FIFO `SequencePool`, so concurrent
 * requests are batched together. Create it with `createLlamaCppEngine`.
 */
export class LlamaCppEngine implements InferenceEngine {
  readonly id: string;
  readonly #llama: Llama;
  readonly #models: Map<string, LoadedModel>;
  readonly #logger: LlamaCppEngineLogger;
  readonly #running = new Set<{ controller: AbortController; finished: Promise<unknown> }>();
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();
  #activeEmbeddings = 0;
  #isClosed = false;
  #closing: Promise<void> | undefined;

  /** Use `createLlamaCppEngine`; the constructor takes already loaded models. */
  constructor(id: string, llama: Llama, models: readonly LoadedModel[], logger: LlamaCppEngineLogger) {
    this.id = id;
    this.#llama = llama;
    this.#models = new Map(models.map((model) => [model.options.name, model]));
    this.#logger = logger;
  }

  async listModels(): Promise<EngineModelInfo[]> {
    return [...this.#models.values()].map((loaded) => ({
      name: loaded.options.name,
      contextWindow: loaded.contextWindow,
      capabilities: { chat: true, completion: true, embeddings: loaded.options.embeddings === true },
    }));
  }

  async countChatTokens(request: ChatRequest): Promise<number> {
    try {
      return this.#planChat(this.#model(request.model), request).promptTokens;
    } catch (error) {
      throw this.#toFailure(error);
    }
  }

  async countTextTokens(model: string, text: string): Promise<number> {
    try {
      return this.#model(model).model.tokenize(text, false).length;
    } catch (error) {
      throw this.#toFailure(error);
    }
  }

  streamChat(request: ChatRequest, options: GenerationOptions): AsyncIterable<GenerationEvent> {
    return this.#guard(this.#streamChat(request, options), options.signal);
  }

  streamTextCompletion(request: TextCompletionRequest, options: GenerationOptions): AsyncIterable<GenerationEvent> {
    return this.#guard(this.#streamTextCompletion(request, options), options.signal);
  }

  async *#streamChat(request: ChatRequest, options: GenerationOptions): AsyncGenerator<GenerationEvent> {
    throwIfAborted(options.signal);
    const loaded = this.#model(request.model);
    const plan = this.#planChat(loaded, request);
    const maxTokens = resolveMaxTokens(loaded.contextWindow, plan.promptTokens, request.maxTokens, 'messages');
    const grammar = plan.forcedTool
      ? await this.#grammarForSchema(toolParameters(plan.forcedTool), 'tools', plan.forcedTool.strict === true)
      : await this.#grammarForResponseFormat(request.responseFormat);
    throwIfAborted(options.signal);
    const sampling = toSampling(request, maxTokens);
    const forcedTool = plan.forcedTool;
    const toolCallId = newToolCallId();
    let hasSentToolHeader = false;
    const toToolDelta = (text: string): GenerationEvent => {
      const isFirst = !hasSentToolHeader;
      hasSentToolHeader = true;
      return { type: 'delta', toolCalls: [isFirst ? { index: 0, id: toolCallId, name: forcedTool!.name, argumentsJsonDelta: text } : { index: 0, argumentsJsonDelta: text }] };
    };
    const job: GenerationJob = {
      promptTokens: plan.promptTokens,
      toDelta: forcedTool ? toToolDelta : (text) => ({ type: 'delta', text }),
      run: async (sequence, signal, onText) => {
        const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: loaded.chatWrapper });
        try {
          const common = { ...sampling, signal, onTextChunk: onText };
          const response = plan.functions
            ? await chat.generateResponse(plan.history, { ...common, functions: plan.functions, documentFunctionParams: true })
            : await chat.generateResponse(plan.history, { ...common, grammar });
          const isTruncated = response.metadata.stopReason === 'maxTokens';
          const calls = response.functionCalls ?? [];
          if (calls.length > 0) {
            return {
              finishReason: 'tool_calls',
              trailingDeltas: calls.map((call, index) => ({
                type: 'delta',
                toolCalls: [{ index, id: newToolCallId(), name: call.functionName, argumentsJsonDelta: JSON.stringify(call.params ?? {}) }],
              })),
            };
          }
          if (forcedTool) {
            // A tool call is announced even if the model produced no argument text at all.
            return { finishReason: isTruncated ? 'length' : 'tool_calls', trailingDeltas: hasSentToolHeader ? [] : [toToolDelta('')] };
          }
          return { finishReason: isTruncated ? 'length' : 'stop' };
        } finally {
          chat.dispose({ disposeSequence: false });
        }
      },
    };
    yield* this.#generate(loaded, options.signal, job);
  }

  async *#streamTextCompletion(request: TextCompletionRequest, options: GenerationOptions): AsyncGenerator<GenerationEvent> {
    throwIfAborted(options.signal);
    const loaded = this.#model(request.model);
    const promptTokens = countCompletionPromptTokens(loaded.model, request.prompt);
    const maxTokens = resolveMaxTokens(loaded.contextWindow, promptTokens, request.maxTokens, 'prompt');
    const sampling = toSampling(request, maxTokens);
    const job: GenerationJob = {
      promptTokens,
      leadingDeltas: request.echo === true && request.prompt !== '' ? [{ type: 'delta', text: toWholeText(request.prompt) }] : [],
      toDelta: (text) => ({ type: 'delta', text }),
      run: async (sequence, signal, onText) => {
        const completion = new LlamaCompletion({ contextSequence: sequence });
        try {
          const response = await completion.generateCompletionWithMeta(request.prompt, {
            ...sampling,
            signal,
            onTextChunk: onText,
            // Generation never outgrows the window (maxTokens is bounded above), so never drop prompt text.
            disableContextShift: true,
          });
          return { finishReason: response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop' };
        } finally {
          completion.dispose({ disposeSequence: false });
        }
      },
    };
    yield* this.#generate(loaded, options.signal, job);
  }

  async embed(request: EmbeddingRequest, options: GenerationOptions): Promise<EmbeddingResult> {
    throwIfAborted(options.signal);
    const loaded = this.#model(request.model);
    if (loaded.options.embeddings !== true) {
      throw new EngineFailure('invalid_request', `Model "${loaded.options.name}" is not configured for embeddings.`, { param: 'model' });
    }
    if (request.inputs.length === 0) throw new EngineFailure('invalid_request', 'At least one input is required.', { param: 'input' });
    if (request.dimensions !== undefined && (!Number.isInteger(request.dimensions) || request.dimensions < 1)) {
      throw new EngineFailure('invalid_request', '`dimensions` must be a positive integer.', { param: 'dimensions' });
    }
    this.#activeEmbeddings += 1;
    try {
      const embeddingContext = await this.#embeddingContext(loaded);
      // One embedding context evaluates one input at a time; requests take turns.
      const turn = loaded.embeddingQueue.then(() => this.#embedInputs(loaded, embeddingContext, request, options.signal));
      loaded.embeddingQueue = turn.catch(() => undefined);
      return await turn;
    } catch (error) {
      throw this.#toFailure(error, options.signal);
    } finally {
      this.#activeEmbeddings -= 1;
    }
  }

  async health(): Promise<EngineHealth> {
    let queueDepth = 0;
    let activeRequests = this.#activeEmbeddings;
    for (const loaded of this.#models.values()) {
      queueDepth += loaded.pool.queueDepth;
      activeRequests += loaded.pool.activeCount;
    }
    return this.#isClosed ? { isHealthy: false, detail: 'engine closed', queueDepth, activeRequests } : { isHealthy: true, queueDepth, activeRequests };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#isClosed = true;
    const closedFailure = new EngineFailure('unavailable', 'The llama.cpp engine is shutting down.');
    for (const loaded of this.#models.values()) loaded.pool.close(closedFailure);
    for (const generation of this.#running) generation.controller.abort(closedFailure);
    await Promise.allSettled([...this.#running].map((generation) => generation.finished));
    await Promise.allSettled([...this.#models.values()].map((loaded) => loaded.embeddingQueue));
    for (const loaded of this.#models.values()) {
      const embeddingContext = await loaded.embeddingContext?.catch(() => undefined);
      await embeddingContext?.dispose().catch(() => {});
      await loaded.context.dispose().catch(() => {});
      await loaded.model.dispose().catch(() => {});
    }
    await this.#llama.dispose().catch(() => {});
    this.#logger.info({ engine: this.id }, 'llama.cpp engine closed');
  }

  #model(name: string): LoadedModel {
    if (this.#isClosed) throw new EngineFailure('unavailable', 'The llama.cpp engine is shut down.');
    const loaded = this.#models.get(name);
    if (!loaded) throw new EngineFailure('model_not_found', `The model "${name}" does not exist on engine "${this.id}".`, { param: 'model' });
    return loaded;
  }

  /**
   * Decide how tools are used and render the prompt exactly as LlamaChat will (same chat wrapper, same
   * history, same function documentation), so the counted prompt tokens are the evaluated ones.
   */
  #planChat(loaded: LoadedModel, request: ChatRequest): ChatPlan {
    const tools = request.tools ?? [];
    const toolChoice = request.toolChoice ?? (tools.length > 0 ? 'auto' : 'none');
    let history = toChatHistory(request.messages);
    let functions: ChatModelFunctions | undefined;
    let forcedTool: ToolDefinition | undefined;
    if (typeof toolChoice === 'object') {
      forcedTool = tools.find((tool) => tool.name === toolChoice.functionName);
      if (!forcedTool) throw new EngineFailure('invalid_request', `tool_choice names "${toolChoice.functionName}", which is not among the tools.`, { param: 'tool_choice' });
    } else if (toolChoice === 'required') {
      forcedTool = tools[0];
      if (!forcedTool) throw new EngineFailure('invalid_request', 'tool_choice "required" needs at least one tool.', { param: 'tool_choice' });
    } else if (toolChoice === 'auto' && tools.length > 0) {
      // A grammar and node-llama-cpp's function calling cannot be combined; an explicit response format wins.
      const format = request.responseFormat?.type ?? 'text';
      if (format === 'text') functions = toChatModelFunctions(tools);
    }
    if (forcedTool) {
      history = [...loaded.chatWrapper.addAvailableFunctionsSystemMessageToHistory(history, toChatModelFunctions([forcedTool]), { documentParams: true })];
    }
    const { contextText } = loaded.chatWrapper.generateContextState({ chatHistory: history, availableFunctions: functions, documentFunctionParams: true });
    const promptTokens = contextText.tokenize(loaded.model.tokenizer).length;
    return { history, functions, forcedTool, promptTokens };
  }

  async #grammarForResponseFormat(format: ResponseFormat | undefined): Promise<LlamaGrammar | undefined> {
    if (format === undefined || format.type === 'text') return undefined;
    if (format.type === 'json_object') return await this.#cachedGrammar('json_object', () => this.#llama.getGrammarFor('json'));
    return await this.#grammarForSchema(format.schema, 'response_format', format.strict === true);
  }

  async #grammarForSchema(schema: JsonSchema, param: string, isStrict: boolean): Promise<LlamaGrammar> {
    const converted = toGbnfJsonSchema(schema, { param, isStrict });
    return await this.#cachedGrammar(JSON.stringify(converted), async () => {
      try {
        return await this.#llama.createGrammarForJsonSchema<GbnfJsonSchema>(converted);
      } catch (error) {
        throw new EngineFailure('invalid_request', `Unsupported JSON schema: ${errorMessage(error)}`, { param, cause: error });
      }
    });
  }

  // Grammars are immutable and shared safely between sequences; parsing one costs more than reusing it.
  async #cachedGrammar(key: string, create: () => Promise<LlamaGrammar>): Promise<LlamaGrammar> {
    let grammar = this.#grammars.get(key);
    if (grammar === undefined) {
      grammar = create();
      this.#grammars.set(key, grammar);
      grammar.catch(() => this.#grammars.delete(key));
      if (this.#grammars.size > grammarCacheSize) this.#grammars.delete(this.#grammars.keys().next().value!);
    }
    return await grammar;
  }

  /** Whatever goes wrong before or during a stream reaches the caller as an {@link EngineFailure}. */
  async *#guard(stream: AsyncGenerator<GenerationEvent>, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
    try {
      yield* stream;
    } catch (error) {
      throw this.#toFailure(error, signal);
    }
  }

  /**
   * The streaming loop shared by chat and text completion: take a sequence (waiting in the bounded queue),
   * run the job, forward whole-character text as it is produced, and finish with exact usage. The
   * sequence is erased and released on finish, error, abort, or when the consumer stops iterating.
   */
  async *#generate(loaded: LoadedModel, signal: AbortSignal, job: GenerationJob): AsyncGenerator<GenerationEvent> {
    const lease = await loaded.pool.acquire(signal).catch((error: unknown) => {
      throw this.#toFailure(error, signal);
    });
    const sequence = lease.resource;
    const controller = new AbortController();
    const channel = new EventChannel<GenerationEvent>();
    const onAbort = (): void => {
      controller.abort(signal.reason);
      // Surface the abort now; the job stops at its next token and the sequence is released right after.
      channel.fail(abortedFailure(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const text = new Utf8SafeText();
    const meterBefore = sequence.tokenMeter.getState();
    for (const delta of job.leadingDeltas ?? []) channel.push(delta);
    const onText = (chunk: string): void => {
      const safe = text.push(chunk);
      if (safe !== '') channel.push(job.toDelta(safe));
    };
    let usage: { promptTokens: number; completionTokens: number } | undefined;
    let finishReason: FinishReason = 'stop';
    // The sequence is erased and released as soon as the job settles, whether or not anyone still reads.
    const finished = job
      .run(sequence, controller.signal, onText)
      .then(
        (outcome) => {
          const rest = text.flush();
          if (rest !== '') channel.push(job.toDelta(rest));
          for (const delta of outcome.trailingDeltas ?? []) channel.push(delta);
          finishReason = outcome.finishReason;
          // Every sampled token needs one row of logits, so the output count is the completion length.
          usage = { promptTokens: job.promptTokens, completionTokens: sequence.tokenMeter.diff(meterBefore).usedOutputTokens };
        },
        (error: unknown) => channel.fail(this.#toFailure(error, signal, controller.signal)),
      )
      .then(() => this.#erase(loaded, sequence))
      .finally(() => {
        lease.release();
        this.#running.delete(running);
        // Finish only once the sequence is free again, so health() right after a stream is accurate.
        if (usage) channel.push({ type: 'finish', finishReason, usage });
        channel.end();
      });
    const running = { controller, finished };
    this.#running.add(running);
    try {
      for (;;) {
        const next = await channel.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Stops the job when the consumer quits early; a no-op when it has already finished.
      controller.abort(new EngineFailure('aborted', 'The consumer stopped reading the stream.'));
    }
  }

  async #erase(loaded: LoadedModel, sequence: LlamaContextSequence): Promise<void> {
    try {
      if (!sequence.disposed) await sequence.clearHistory();
    } catch (error) {
      this.#logger.warn({ model: loaded.options.name, error: errorMessage(error) }, 'Could not erase a llama.cpp sequence');
    }
  }


  async #embeddingContext(loaded: LoadedModel): Promise<LlamaEmbeddingContext> {
    if (loaded.embeddingContext === undefined) {
      const contextSize = Math.min(loaded.contextWindow, maxEmbeddingContextTokens);
      // The whole input is evaluated in one batch, so the batch is as large as the context.
      loaded.embeddingContext = loaded.model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads: loaded.threads });
      loaded.embeddingContext.catch(() => {
        loaded.embeddingContext = undefined;
      });
    }
    return await loaded.embeddingContext;
  }

  async #embedInputs(loaded: LoadedModel, context: LlamaEmbeddingContext, request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    const contextSize = Math.min(loaded.contextWindow, maxEmbeddingContextTokens);
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const [index, input] of request.inputs.entries()) {
      throwIfAborted(signal);
      const inputTokens = context.calculateInputLength(input);
      if (inputTokens >= contextSize) {
        throw new EngineFailure('context_length_exceeded', `Input ${index} has ${inputTokens} tokens; the embedding context holds at most ${contextSize - 1}.`, { param: 'input' });
      }
      const embedding = await context.getEmbeddingFor(input);
      vectors.push(shortenVector([...embedding.vector], request.dimensions));
      promptTokens += inputTokens;
    }
    return { vectors, usage: { promptTokens } };
  }

  #toFailure(error: unknown, signal?: AbortSignal, internalSignal?: AbortSignal): EngineFailure {
    if (error instanceof EngineFailure) return error;
    if (signal?.aborted) return abortedFailure(signal);
    const internalReason: unknown = internalSignal?.aborted ? internalSignal.reason : undefined;
    if (internalReason instanceof EngineFailure) return internalReason;
    if (this.#isClosed || error instanceof DisposedError) return new EngineFailure('unavailable', 'The llama.cpp engine is shutting down.', { cause: error });
    if (error instanceof InsufficientMemoryError) return new EngineFailure('unavailable', 'Not enough memory for this request.', { cause: error });
    this.#logger.error({ engine: this.id, error: errorMessage(error) }, 'llama.cpp engine call failed');
    return new EngineFailure('internal', 'The llama.cpp engine failed to process the request.', { cause: error });
  }
}

function shortenVector(vector: number[], dimensions: number | undefined): number[] {
  if (dimensions === undefined || dimensions >= vector.length) return vector;
  // Truncated vectors are renormalised, as OpenAI does for `dimensions`.
  const shortened = vector.slice(0, dimensions);
  const norm = Math.hypot(...shortened);
  return norm === 0 ? shortened : shortened.map((value) => value / norm);
}

function toWholeText(text: string): string {
  const safeText = new Utf8SafeText();
  return safeText.push(text) + safeText.flush();
}

function newToolCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortedFailure(signal);
}

function abortedFailure(signal: AbortSignal): EngineFailure {
  const reason: unknown = signal.reason;
  if (reason instanceof EngineFailure && reason.kind === 'aborted') return reason;
  return new EngineFailure('aborted', 'The request was aborted.', { cause: reason });
}

