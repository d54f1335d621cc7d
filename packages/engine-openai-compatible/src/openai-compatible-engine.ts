import { setTimeout as sleep } from 'node:timers/promises';
import { EngineFailure } from '@charter/engine-spec';
import type {
  ChatMessage,
  ChatRequest,
  EmbeddingRequest,
  EmbeddingResult,
  EngineHealth,
  EngineModelInfo,
  GenerationEvent,
  GenerationOptions,
  InferenceEngine,
  TextCompletionRequest,
} from '@charter/engine-spec';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { OpenAiCompatibleEngineOptions } from './engine-options.js';
import { HealthMonitor } from './health-monitor.js';
import type { WireEmbeddingResponse, WireTokenizeResponse } from './openai-wire-types.js';
import {
  toChatCompletionBody,
  toChatTokenizeBody,
  toCompletionBody,
  toEmbeddingBody,
  toTextTokenizeBody,
} from './request-mapping.js';
import { StreamEventMapper } from './response-mapping.js';
import type { EstimatedTokenUsage } from './response-mapping.js';
import { SseParser } from './sse-parser.js';
import { StreamWatchdog } from './stream-watchdog.js';
import { eventsOfWholeAnswer } from './whole-answer-events.js';
import { requestWholeResponse, type WholeResponse } from './whole-response.js';
import {
  abortedFailure,
  failureFromError,
  failureFromStatus,
  isRetriedHere,
  parseRetryAfterMs,
} from './upstream-errors.js';

interface ResolvedModel {
  upstreamModel: string;
  capabilities: EngineModelInfo['capabilities'];
}

type GenerationRequest = ChatRequest | TextCompletionRequest;

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_RETRY_BASE_DELAY_MS = 200;
const MAX_RETRY_DELAY_MS = 5_000;
const DEFAULT_HEALTH_INTERVAL_MS = 10_000;
const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;
/** Characters per token for the last-resort prompt estimate (English text averages about four). */
const CHARACTERS_PER_TOKEN = 4;

/** Create an engine for one OpenAI-compatible upstream. */
export function createOpenAiCompatibleEngine(options: OpenAiCompatibleEngineOptions): OpenAiCompatibleEngine {
  return new OpenAiCompatibleEngine(options);
}

/**
 * InferenceEngine over any OpenAI-compatible HTTP server. One keep-alive undici Pool per instance; the
 * request path does no per-request setup beyond the body it has to build (headers, paths and model
 * lookups are prepared once here).
 */
export class OpenAiCompatibleEngine implements InferenceEngine {
  readonly id: string;
  private readonly pool: Pool;
  private readonly chatPath: string;
  private readonly completionsPath: string;
  private readonly embeddingsPath: string;
  private readonly tokenizePath = '/tokenize';
  private readonly healthPath: string;
  private readonly healthTimeoutMs: number;
  // Flat [name, value, …] arrays: undici walks them without the Object.entries an object would cost.
  private readonly streamHeaders: string[];
  private readonly jsonHeaders: string[];
  private readonly probeHeaders: string[];
  private readonly modelsByName = new Map<string, ResolvedModel>();
  private readonly modelInfos: EngineModelInfo[];
  private readonly firstByteTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly isTokenizerUpstream: boolean;
  private readonly maxConcurrent: number;
  private readonly monitor: HealthMonitor;
  private activeRequests = 0;
  private isClosed = false;

  constructor(options: OpenAiCompatibleEngineOptions) {
    this.id = options.id;
    const baseUrl = new URL(options.baseUrl);
    const basePath = baseUrl.pathname.replace(/\/+$/, '');
    this.chatPath = `${basePath}/chat/completions`;
    this.completionsPath = `${basePath}/completions`;
    this.embeddingsPath = `${basePath}/embeddings`;
    const healthCheck = options.healthCheck === false ? undefined : options.healthCheck;
    const healthPath = healthCheck?.path ?? '/models';
    const normalisedHealthPath = healthPath.startsWith('/') ? healthPath : `/${healthPath}`;
    this.healthPath = healthCheck?.isOriginPath === true ? normalisedHealthPath : `${basePath}${normalisedHealthPath}`;
    this.healthTimeoutMs = healthCheck?.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;

    const commonHeaders = new Map<string, string>();
    if (options.apiKey !== undefined && options.apiKey.length > 0) {
      commonHeaders.set('authorization', `Bearer ${options.apiKey}`);
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) commonHeaders.set(name.toLowerCase(), value);
    this.streamHeaders = flattenHeaders(commonHeaders, { 'content-type': 'application/json', accept: 'text/event-stream' });
    this.jsonHeaders = flattenHeaders(commonHeaders, { 'content-type': 'application/json', accept: 'application/json' });
    this.probeHeaders = flattenHeaders(commonHeaders, { accept: 'application/json' });

    this.modelInfos = options.models.map((model) => {
      const capabilities = {
        chat: model.capabilities?.chat ?? true,
        completion: model.capabilities?.completion ?? true,
        embeddings: model.capabilities?.embeddings ?? false,
      };
      this.modelsByName.set(model.name, { upstreamModel: model.upstreamModel ?? model.name, capabilities });
      return { name: model.name, contextWindow: model.contextWindow, capabilities };
    });

    this.firstByteTimeoutMs = options.firstByteTimeoutMs;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    this.isTokenizerUpstream = options.tokenizer === 'upstream';
    this.maxConcurrent = options.maxConcurrent ?? Number.POSITIVE_INFINITY;

    this.pool = new Pool(baseUrl.origin, {
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.firstByteTimeoutMs,
      // Streams disable this per request and run their own first-byte / idle watchdog (see StreamWatchdog).
      bodyTimeout: options.idleTimeoutMs,
    });

    this.monitor = new HealthMonitor(
      () => this.probe(),
      healthCheck === undefined ? undefined : (healthCheck.intervalMs ?? DEFAULT_HEALTH_INTERVAL_MS),
    );
    this.monitor.start();
  }

  async listModels(): Promise<EngineModelInfo[]> {
    return this.modelInfos.slice();
  }

  async countChatTokens(request: ChatRequest): Promise<number | undefined> {
    if (!this.isTokenizerUpstream) return undefined;
    const model = this.resolveModel(request.model, 'chat');
    return this.tokenize(toChatTokenizeBody(request, model.upstreamModel), undefined);
  }

  async countTextTokens(model: string, text: string): Promise<number | undefined> {
    if (!this.isTokenizerUpstream) return undefined;
    const resolved = this.resolveModel(model, undefined);
    return this.tokenize(toTextTokenizeBody(text, resolved.upstreamModel), undefined);
  }

  streamChat(request: ChatRequest, options: GenerationOptions): AsyncIterable<GenerationEvent> {
    return this.generate(request, options.signal, options.isStreamed ?? true);
  }

  streamTextCompletion(request: TextCompletionRequest, options: GenerationOptions): AsyncIterable<GenerationEvent> {
    return this.generate(request, options.signal, options.isStreamed ?? true);
  }

  async embed(request: EmbeddingRequest, options: GenerationOptions): Promise<EmbeddingResult> {
    const signal = options.signal;
    if (signal.aborted) throw abortedFailure(signal.reason);
    const model = this.resolveModel(request.model, 'embeddings');
    this.acquireSlot();
    try {
      const text = await this.postJson(this.embeddingsPath, toEmbeddingBody(request, model.upstreamModel), signal);
      return this.toEmbeddingResult(text, request, signal);
    } finally {
      this.activeRequests--;
    }
  }

  async health(): Promise<EngineHealth> {
    const state = await this.monitor.state();
    const health: EngineHealth = {
      isHealthy: state.isHealthy && !this.isClosed,
      queueDepth: 0,
      activeRequests: this.activeRequests,
    };
    const detail = this.isClosed ? 'engine closed' : state.detail;
    if (detail !== undefined) health.detail = detail;
    return health;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.monitor.stop();
    // destroy, not close: close would wait for running streams, and the spec says pending generations end.
    await this.pool.destroy();
  }

  /**
   * One generation: the request is sent, the body parsed as it arrives and mapped to events. A failure is
   * retried only while nothing has been yielded: once the caller has seen text, a retry would duplicate it.
   */
  private async *generate(request: GenerationRequest, signal: AbortSignal, isStreamed: boolean): AsyncGenerator<GenerationEvent, void, undefined> {
    if (signal.aborted) throw abortedFailure(signal.reason);
    const isChat = 'messages' in request;
    const model = this.resolveModel(request.model, isChat ? 'chat' : 'completion');
    const payload = isChat
      ? toChatCompletionBody(request, model.upstreamModel, isStreamed)
      : toCompletionBody(request, model.upstreamModel, isStreamed);
    const path = isChat ? this.chatPath : this.completionsPath;
    this.acquireSlot();
    try {
      for (let attempt = 0; ; attempt++) {
        const mapper = new StreamEventMapper(isChat ? 'chat' : 'completion', this.isTokenizerUpstream);
        const retry: RetryHint = { afterMs: undefined };
        let hasYielded = false;
        /** The finish event was yielded: what follows is only the rest of the body being read. */
        let isFinished = false;
        let watchdog: StreamWatchdog | undefined;
        try {
          if (!isStreamed) {
            // The whole answer arrives only when generation is done: no header timeout (the caller's deadline
            // bounds it), and once the headers are in, each body chunk within the idle timeout.
            const whole = await this.sendWhole({ path, method: 'POST', headers: this.jsonHeaders, body: payload, headersTimeout: 0, bodyTimeout: this.idleTimeoutMs }, signal, retry);
            for (const event of eventsOfWholeAnswer(mapper, whole)) {
              if (event === undefined) continue;
              hasYielded = true;
              yield event;
              if (signal.aborted) throw abortedFailure(signal.reason);
            }
          } else {
            const startedAt = performance.now();
            const response = await this.pool.request({ path, method: 'POST', headers: this.streamHeaders, body: payload, signal, bodyTimeout: 0 });
            const body = response.body;
            const firstByteBudgetMs = Math.max(1, this.firstByteTimeoutMs - (performance.now() - startedAt));
            watchdog = new StreamWatchdog(body, firstByteBudgetMs, this.idleTimeoutMs);
            const statusCode = response.statusCode;
            if (statusCode >= 400) {
              retry.afterMs = parseRetryAfterMs(response.headers['retry-after']);
              throw failureFromStatus(statusCode, await body.text());
            }
            this.monitor.recordSuccess();
            const contentType = response.headers['content-type'];
            if (typeof contentType === 'string' && contentType.includes('json')) {
              // The upstream ignored `stream: true` and answered with one chat.completion object.
              const event = mapper.mapWholeResponse(await body.text());
              watchdog.stop();
              if (event !== undefined) {
                hasYielded = true;
                yield event;
                if (signal.aborted) throw abortedFailure(signal.reason);
              }
            } else {
              const parser = new SseParser();
              for await (const chunk of body as AsyncIterable<Uint8Array>) {
                watchdog.received();
                if (isFinished) continue;
                const events = parser.push(chunk);
                for (let index = 0; index < events.length && !mapper.isDone; index++) {
                  const event = mapper.mapData(events[index] as string);
                  if (event === undefined) continue;
                  watchdog.isWaiting = false;
                  hasYielded = true;
                  yield event;
                  // The body may already be fully buffered, so undici cannot be relied on to surface the abort.
                  if (signal.aborted) throw abortedFailure(signal.reason);
                  watchdog.isWaiting = true;
                }
                if (mapper.isDone) {
                  // `[DONE]` ends the answer: it finishes now, in the same turn as the events before it, rather than
                  // when the body ends a turn later. The rest of the body is still read (within the idle timeout)
                  // so the connection can be reused; nothing in it, nor a failure reading it, changes the answer.
                  watchdog.isWaiting = false;
                  for await (const event of this.closingEvents(request, mapper, signal)) {
                    hasYielded = true;
                    yield event;
                  }
                  isFinished = true;
                  watchdog.isWaiting = true;
                }
              }
              watchdog.stop();
              if (isFinished) return;
              const events = parser.end();
              for (let index = 0; index < events.length; index++) {
                const event = mapper.mapData(events[index] as string);
                if (event === undefined) continue;
                hasYielded = true;
                yield event;
                if (signal.aborted) throw abortedFailure(signal.reason);
              }
            }
          }
          for await (const event of this.closingEvents(request, mapper, signal)) {
            hasYielded = true;
            yield event;
          }
          return;
        } catch (error) {
          if (isFinished) return;
          const failure = failureFromError(error, signal);
          this.observeFailure(failure);
          if (hasYielded) throw failure;
          await this.beforeRetry(failure, attempt, retry.afterMs, signal);
        } finally {
          watchdog?.stop();
        }
      }
    } finally {
      this.activeRequests--;
    }
  }

  /** The last events of an answer: text held back for a split character, then the finish with its usage. */
  private async *closingEvents(request: GenerationRequest, mapper: StreamEventMapper, signal: AbortSignal): AsyncGenerator<GenerationEvent, void, undefined> {
    const lastEvent = mapper.flush();
    if (lastEvent !== undefined) yield lastEvent;
    if (!mapper.isDone && mapper.finishReason === undefined) {
      throw new EngineFailure('unavailable', 'upstream stream ended before the generation finished');
    }
    const usage = mapper.usage ?? (await this.estimateUsage(request, mapper, signal));
    yield { type: 'finish', finishReason: mapper.finishReason ?? 'stop', usage };
  }

  /** Throws the failure unless another attempt is allowed; then waits the jittered backoff. */
  private async beforeRetry(
    failure: EngineFailure,
    attempt: number,
    retryAfterMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (attempt >= this.maxRetries || this.isClosed || !isRetriedHere(failure)) throw failure;
    // An upstream that asks for a long pause is better left to the router's fallback than waited for.
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_DELAY_MS) throw failure;
    const ceilingMs = Math.min(MAX_RETRY_DELAY_MS, this.retryBaseDelayMs * 2 ** attempt);
    // Equal jitter: never retry instantly, yet spread the retries of requests that failed together.
    const delayMs = Math.max(ceilingMs / 2 + Math.random() * (ceilingMs / 2), retryAfterMs ?? 0);
    try {
      await sleep(delayMs, undefined, signal === undefined ? undefined : { signal });
    } catch (error) {
      throw abortedFailure(error);
    }
  }

  /** POST a JSON body and return the response text, with the same retry rules as streams. */
  private async postJson(path: string, payload: string, signal: AbortSignal | undefined): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const retry: RetryHint = { afterMs: undefined };
      try {
        return (await this.sendWhole({ path, method: 'POST', headers: this.jsonHeaders, body: payload }, signal, retry)).text;
      } catch (error) {
        const failure = failureFromError(error, signal);
        this.observeFailure(failure);
        await this.beforeRetry(failure, attempt, retry.afterMs, signal);
      }
    }
  }

  /** One request read to its end; an error status throws its failure (and notes any Retry-After in `retry`). */
  private async sendWhole(options: Dispatcher.DispatchOptions, signal: AbortSignal | undefined, retry: RetryHint): Promise<WholeResponse> {
    const response = await requestWholeResponse(this.pool, options, signal);
    if (response.statusCode >= 400) {
      retry.afterMs = parseRetryAfterMs(response.headers['retry-after']);
      throw failureFromStatus(response.statusCode, response.text);
    }
    this.monitor.recordSuccess();
    return response;
  }

  private async tokenize(payload: string, signal: AbortSignal | undefined): Promise<number> {
    const text = await this.postJson(this.tokenizePath, payload, signal);
    const response = parseJsonObject<WireTokenizeResponse>(text, 'tokenize');
    if (typeof response.count === 'number') return response.count;
    if (Array.isArray(response.tokens)) return response.tokens.length;
    throw new EngineFailure('unavailable', 'upstream /tokenize answered without a count or tokens');
  }

  /**
   * Usage for a stream whose upstream sent no usage block (servers that ignore `stream_options`, such as
   * older Ollama and llama.cpp server builds). With the upstream tokenizer the prompt and the generated
   * text are counted by the server; without it, or when that fails, completion tokens are the number of
   * content chunks (servers stream about one token per chunk) and prompt tokens one per four characters.
   * Either way the result is an estimate and is marked `isEstimated` on the usage object.
   */
  private async estimateUsage(
    request: GenerationRequest,
    mapper: StreamEventMapper,
    signal: AbortSignal,
  ): Promise<EstimatedTokenUsage> {
    if (this.isTokenizerUpstream) {
      const model = this.resolveModel(request.model, undefined);
      const promptPayload =
        'messages' in request ? toChatTokenizeBody(request, model.upstreamModel) : toTextTokenizeBody(request.prompt, model.upstreamModel);
      try {
        const [promptTokens, completionTokens] = await Promise.all([
          this.tokenize(promptPayload, signal),
          mapper.generatedText.length === 0
            ? Promise.resolve(0)
            : this.tokenize(toTextTokenizeBody(mapper.generatedText, model.upstreamModel), signal),
        ]);
        return { promptTokens, completionTokens, isEstimated: true };
      } catch (error) {
        if (signal.aborted) throw abortedFailure(error);
        // Counting is best effort: fall through to the chunk-based estimate rather than fail a finished answer.
      }
    }
    const promptCharacters =
      'messages' in request ? countMessageCharacters(request.messages) : request.prompt.length;
    return {
      promptTokens: Math.ceil(promptCharacters / CHARACTERS_PER_TOKEN),
      completionTokens: mapper.contentChunkCount,
      isEstimated: true,
    };
  }

  private async toEmbeddingResult(text: string, request: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    const response = parseJsonObject<WireEmbeddingResponse>(text, 'embeddings');
    const data = Array.isArray(response.data) ? response.data : [];
    if (data.length !== request.inputs.length) {
      throw new EngineFailure('unavailable', `upstream returned ${data.length} embeddings for ${request.inputs.length} inputs`);
    }
    const vectors = new Array<number[]>(data.length);
    for (let position = 0; position < data.length; position++) {
      const item = data[position];
      const index = typeof item?.index === 'number' ? item.index : position;
      if (!Array.isArray(item?.embedding) || index < 0 || index >= vectors.length) {
        throw new EngineFailure('unavailable', 'upstream returned an embedding that is not a float array');
      }
      vectors[index] = item.embedding as number[];
    }
    let promptTokens = response.usage?.prompt_tokens;
    if (typeof promptTokens !== 'number') {
      promptTokens = this.isTokenizerUpstream
        ? await this.countEmbeddingTokens(request, signal)
        : Math.ceil(request.inputs.reduce((sum, input) => sum + input.length, 0) / CHARACTERS_PER_TOKEN);
    }
    return { vectors, usage: { promptTokens } };
  }

  private async countEmbeddingTokens(request: EmbeddingRequest, signal: AbortSignal): Promise<number> {
    const model = this.resolveModel(request.model, undefined);
    const counts = await Promise.all(
      request.inputs.map((input) => this.tokenize(toTextTokenizeBody(input, model.upstreamModel), signal)),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  private async probe(): Promise<void> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        path: this.healthPath,
        method: 'GET',
        headers: this.probeHeaders,
        headersTimeout: this.healthTimeoutMs,
        bodyTimeout: this.healthTimeoutMs,
      });
      await response.body.dump();
    } catch (error) {
      throw new Error(`health check failed: ${failureFromError(error, undefined).message}`, { cause: error });
    }
    if (response.statusCode >= 400) throw new Error(`health check answered HTTP ${response.statusCode}`);
  }

  private resolveModel(name: string, capability: keyof EngineModelInfo['capabilities'] | undefined): ResolvedModel {
    const model = this.modelsByName.get(name);
    if (model === undefined) {
      throw new EngineFailure('model_not_found', `model '${name}' is not served by engine '${this.id}'`, {
        param: 'model',
      });
    }
    if (capability !== undefined && !model.capabilities[capability]) {
      throw new EngineFailure('invalid_request', `model '${name}' does not support ${capability}`, { param: 'model' });
    }
    return model;
  }

  private acquireSlot(): void {
    if (this.isClosed) throw new EngineFailure('unavailable', `engine '${this.id}' is closed`);
    if (this.activeRequests >= this.maxConcurrent) {
      throw new EngineFailure('overloaded', `engine '${this.id}' is at its limit of ${this.maxConcurrent} requests`);
    }
    this.activeRequests++;
  }

  /** Connection-level failures mean the upstream is down for everyone, not just this request. */
  private observeFailure(failure: EngineFailure): void {
    if (failure.kind === 'unavailable' && failure.upstreamStatus === undefined && !this.isClosed) {
      this.monitor.recordFailure(failure.message);
    }
  }
}

/** What a failed attempt learnt about when to retry (the upstream's Retry-After). */
interface RetryHint {
  afterMs: number | undefined;
}

function flattenHeaders(common: Map<string, string>, defaults: Record<string, string>): string[] {
  const merged = new Map<string, string>(Object.entries(defaults));
  for (const [name, value] of common) merged.set(name, value);
  const flat: string[] = [];
  for (const [name, value] of merged) flat.push(name, value);
  return flat;
}

function parseJsonObject<T>(text: string, endpoint: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EngineFailure('unavailable', `upstream /${endpoint} answered with malformed JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new EngineFailure('unavailable', `upstream /${endpoint} answered with something other than an object`);
  }
  return parsed as T;
}

function countMessageCharacters(messages: ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) {
    if (message.content !== null) characters += message.content.length;
    if (message.toolCalls !== undefined) {
      for (const call of message.toolCalls) characters += call.name.length + call.argumentsJson.length;
    }
  }
  return characters;
}
