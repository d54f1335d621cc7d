import type {
  EmbeddingResult,
  EngineHealth,
  GenerationEvent,
  InferenceEngine,
  ToolCallDelta,
} from '@charter/engine-spec';
import { EngineFailure } from '@charter/engine-spec';
import { type ApiEndpoint, canCallEndpoint, canUseModel, type Principal } from '../accounts/principal.js';
import { CharterError, ContextLengthExceededError, ModelNotFoundError, PermissionDeniedError } from '../errors.js';
import type { MeteringService } from '../metering/metering-service.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { Clock } from '../shared/clock.js';
import { newTimeOrderedId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { Admission, AdmissionControl } from '../limits/admission-control.js';
import type { RateLimitHeaderValues } from '../limits/rate-limit-headers.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import type { OutputGuard } from '../moderation/output-guard.js';
import type { ToolCallGuard } from '../moderation/tool-call-guard.js';
import { RequestCancelledError, toCharterError } from './inference-errors.js';
import type { ChatInput, Generation, InferenceServiceOptions, ModelListing, RequestContext, TextCompletionInput } from './inference-types.js';
import type { ModelRoute, RouteTarget } from './model-route.js';
import { orderTargets, type RandomSource } from './model-router.js';

/** What a generation endpoint prepares once its input passed moderation. */
interface PreparedGeneration {
  notices: string[];
  estimatePromptTokens: () => number;
  count: (target: RouteTarget) => Promise<number | undefined>;
  stream: (target: RouteTarget, maxTokens: number | undefined, signal: AbortSignal) => AsyncIterable<GenerationEvent>;
}

/** The first event of a stream and the iterator for the rest. */
interface OpenedStream {
  first: IteratorResult<GenerationEvent>;
  iterator: AsyncIterator<GenerationEvent>;
}

/**
 * Output tokens reserved against tokens-per-minute when a request names no maximum and the prompt could not
 * be counted; the reservation is settled to the real count afterwards.
 */
const defaultOutputReservation = 4096;

/**
 * The inference use cases (API-1, API-2, API-7, BIL-3): authorise the model, check the context window
 * with the model's tokenizer before any engine work, route to an engine with fallback, and record
 * exactly one usage record per request however it ends.
 */
export class InferenceService {
  readonly #routes: Map<string, ModelRoute>;
  readonly #metering: MeteringService;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #random: RandomSource;
  readonly #onUsage: (record: UsageRecord) => void;
  readonly #moderation: ModerationService | undefined;
  readonly #admission: AdmissionControl | undefined;
  readonly #isAdmissionOverlapped: boolean;
  readonly #health = new Map<InferenceEngine, EngineHealth>();
  readonly #healthTimer: NodeJS.Timeout;

  constructor(options: InferenceServiceOptions) {
    this.#routes = new Map(options.routes.map((route) => [route.name, route]));
    this.#metering = options.metering;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#random = options.random ?? Math.random;
    this.#onUsage = options.onUsage ?? (() => {});
    this.#moderation = options.moderation;
    this.#admission = options.admission;
    this.#isAdmissionOverlapped = options.isAdmissionOverlapped ?? false;
    this.#healthTimer = setInterval(() => void this.refreshHealth(), options.healthRefreshMs ?? 5000);
    this.#healthTimer.unref();
  }

  /** Distinct engines behind all routes. */
  get engines(): InferenceEngine[] {
    return [...new Set([...this.#routes.values()].flatMap((route) => route.targets.map((target) => target.engine)))];
  }

  /** The last health each engine reported (refreshed every `healthRefreshMs`). */
  get lastHealth(): ReadonlyMap<InferenceEngine, EngineHealth> {
    return this.#health;
  }

  /** Ask every engine for its health now. */
  async refreshHealth(): Promise<Map<InferenceEngine, EngineHealth>> {
    await Promise.all(
      this.engines.map(async (engine) => {
        try {
          this.#health.set(engine, await engine.health());
        } catch (error) {
          this.#health.set(engine, { isHealthy: false, detail: String(error), queueDepth: 0, activeRequests: 0 });
        }
      }),
    );
    return this.#health;
  }

  listModels(principal: Principal): ModelListing[] {
    this.#authoriseEndpoint(principal, 'models');
    return [...this.#routes.values()].filter((route) => canUseModel(principal.scopes, route.name)).map((route) => this.#listing(route));
  }

  getModel(principal: Principal, name: string): ModelListing {
    return this.#listing(this.#resolve(principal, 'models', name));
  }

  /** Start a chat completion. Errors before the first event are thrown here; later ones from the iterator. */
  startChat(input: ChatInput, context: RequestContext): Promise<Generation> {
    return this.#startGeneration('chat.completions', input.model, input.maxTokens, context, async () => {
      const verdict = await this.#moderation?.checkChatInput(input.messages, context);
      const checked = verdict ? { ...input, messages: verdict.messages } : input;
      return {
        notices: verdict?.notices ?? [],
        estimatePromptTokens: () => estimateTokens(checked.messages.reduce((sum, message) => sum + (message.content?.length ?? 0), 0)),
        count: (target) => target.engine.countChatTokens({ ...checked, model: target.engineModel }),
        stream: (target, maxTokens, signal) => target.engine.streamChat({ ...checked, model: target.engineModel, maxTokens }, { signal, isStreamed: context.isStreamed }),
      };
    });
  }

  /** Start a legacy text completion. */
  startTextCompletion(input: TextCompletionInput, context: RequestContext): Promise<Generation> {
    return this.#startGeneration('completions', input.model, input.maxTokens, context, async () => {
      const verdict = await this.#moderation?.checkPromptInput(input.prompt, context);
      const checked = verdict ? { ...input, prompt: verdict.prompt } : input;
      return {
        notices: verdict?.notices ?? [],
        estimatePromptTokens: () => estimateTokens(checked.prompt.length),
        count: (target) => target.engine.countTextTokens(target.engineModel, checked.prompt),
        stream: (target, maxTokens, signal) => target.engine.streamTextCompletion({ ...checked, model: target.engineModel, maxTokens }, { signal, isStreamed: context.isStreamed }),
      };
    });
  }

  /** Embed texts with a public model. */
  async embed(model: string, inputs: string[], dimensions: number | undefined, context: RequestContext): Promise<EmbeddingResult & { rateLimitHeaders: RateLimitHeaderValues }> {
    const meter = this.#startMeter('embeddings', model, context);
    try {
      const route = this.#resolve(context.principal, 'embeddings', model);
      const plan = await this.#admission?.planFor(context.principal, model);
      if (plan && this.#admission) {
        meter.admission = await this.#admission.admit(context.principal, plan, estimateTokens(inputs.reduce((sum, input) => sum + input.length, 0)));
      }
      const result = await this.#withFallback(route, context, (target) => {
        meter.engineId = target.engine.id;
        return target.engine.embed({ model: target.engineModel, inputs, dimensions }, { signal: context.signal });
      });
      meter.promptTokens = result.usage.promptTokens;
      this.#finishMeter(meter, context, undefined);
      return { ...result, rateLimitHeaders: meter.admission?.headers ?? {} };
    } catch (error) {
      const charterError = toCharterError(error, model, context.signal);
      this.#finishMeter(meter, context, charterError);
      throw charterError;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#healthTimer);
    await Promise.all(this.engines.map((engine) => engine.close()));
  }

  async #startGeneration(
    endpoint: ApiEndpoint,
    model: string,
    requestedMaxTokens: number | undefined,
    context: RequestContext,
    prepare: () => Promise<PreparedGeneration>,
  ): Promise<Generation> {
    const meter = this.#startMeter(endpoint, model, context);
    try {
      const route = this.#resolve(context.principal, endpoint, model);
      const plan = await this.#admission?.planFor(context.principal, model);
      // Input moderation runs after authorisation and before any token counting or engine work.
      const calls = await prepare();
      const targets = this.#order(route);
      const promptTokens = await calls.count(targets[0]!);
      // Without max_tokens the engine generates up to the room left (llama.cpp keeps one cell free, an upstream
      // applies its own default), so the limit is passed on as given; the room is what the limiter reserves.
      const maxTokens = requestedMaxTokens;
      let reservedCompletionTokens = requestedMaxTokens;
      if (promptTokens !== undefined) {
        meter.promptTokens = promptTokens;
        const requested = requestedMaxTokens ?? 0;
        if (promptTokens + requested > route.contextWindow || promptTokens >= route.contextWindow) {
          throw new ContextLengthExceededError({ contextWindow: route.contextWindow, promptTokens, requestedCompletionTokens: requested });
        }
        reservedCompletionTokens ??= route.contextWindow - promptTokens;
      }
      let opened: OpenedStream;
      if (plan && this.#admission) {
        const tokenCost = (promptTokens ?? calls.estimatePromptTokens()) + (reservedCompletionTokens ?? Math.min(route.contextWindow, defaultOutputReservation));
        const quota = await this.#admission.checkQuota(plan);
        if (this.#isAdmissionOverlapped && this.#admission.claimHeadroom(context.principal, plan, tokenCost)) {
          opened = await this.#openWhileAdmitting(this.#admission.reserve(context.principal, plan, tokenCost, quota), targets, context, meter, calls, maxTokens);
        } else {
          meter.admission = await this.#admission.reserve(context.principal, plan, tokenCost, quota);
          opened = await this.#firstEventWithFallback(targets, context.signal, meter, (target) => calls.stream(target, maxTokens, context.signal), context.requestId);
        }
      } else {
        opened = await this.#firstEventWithFallback(targets, context.signal, meter, (target) => calls.stream(target, maxTokens, context.signal), context.requestId);
      }
      const { first, iterator } = opened;
      const guards = this.#moderation ? { text: this.#moderation.createOutputGuard(context), toolCalls: this.#moderation.createToolCallGuard(context) } : undefined;
      return { model, notices: calls.notices, rateLimitHeaders: meter.admission?.headers ?? {}, [Symbol.asyncIterator]: () => this.#meteredEvents(first, iterator, meter, context, guards) };
    } catch (error) {
      const charterError = toCharterError(error, model, context.signal);
      this.#finishMeter(meter, context, charterError);
      throw charterError;
    }
  }

  /**
   * The engine starts while the reservation is in flight. Both are awaited, so a reservation is never left
   * behind (an engine failure releases it like any other); a refusal cancels the engine call at once and is
   * what the client gets.
   */
  async #openWhileAdmitting(
    admitting: Promise<Admission>,
    targets: RouteTarget[],
    context: RequestContext,
    meter: Meter,
    calls: PreparedGeneration,
    maxTokens: number | undefined,
  ): Promise<OpenedStream> {
    // The engine's signal follows the request's and is also aborted by a refusal. Not `AbortSignal.any`, which
    // joins signals through WeakRefs: with it, the signals and what hangs on them outlived young collections
    // (promoted at one connection with limits on: 3.95 KB per request with it, 2.83 without).
    const refusal = new AbortController();
    const signal = refusal.signal;
    if (context.signal.aborted) refusal.abort(context.signal.reason);
    else context.signal.addEventListener('abort', () => refusal.abort(context.signal.reason), { once: true });
    admitting.catch(() => refusal.abort());
    const [admitted, opened] = await Promise.allSettled([
      admitting,
      this.#firstEventWithFallback(targets, signal, meter, (target) => calls.stream(target, maxTokens, signal), context.requestId),
    ]);
    if (admitted.status === 'rejected') {
      if (opened.status === 'fulfilled') void opened.value.iterator.return?.();
      throw admitted.reason;
    }
    meter.admission = admitted.value;
    if (opened.status === 'rejected') throw opened.reason;
    return opened.value;
  }

  /** Open the stream on the first target that yields an event; retryable failures before that fall through. */
  async #firstEventWithFallback(
    targets: RouteTarget[],
    signal: AbortSignal,
    meter: Meter,
    open: (target: RouteTarget) => AsyncIterable<GenerationEvent>,
    requestId: string,
  ): Promise<OpenedStream> {
    let lastError: unknown;
    for (const target of targets) {
      meter.engineId = target.engine.id;
      const iterator = open(target)[Symbol.asyncIterator]();
      try {
        const first = await iterator.next();
        return { first, iterator };
      } catch (error) {
        lastError = error;
        if (!isRetryable(error) || signal.aborted) throw error;
        this.#logger.warn({ requestId, engine: target.engine.id, kind: failureKind(error) }, 'engine failed; trying the next route target');
      }
    }
    throw lastError;
  }

  async #withFallback<T>(route: ModelRoute, context: RequestContext, call: (target: RouteTarget) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const target of this.#order(route)) {
      try {
        return await call(target);
      } catch (error) {
        lastError = error;
        if (!isRetryable(error) || context.signal.aborted) throw error;
      }
    }
    throw lastError;
  }

  async *#meteredEvents(
    first: IteratorResult<GenerationEvent>,
    iterator: AsyncIterator<GenerationEvent>,
    meter: Meter,
    context: RequestContext,
    guards: OutputGuards | undefined,
  ): AsyncGenerator<GenerationEvent> {
    // Until the stream ends one way or the other, leaving it counts as a cancellation (built lazily: an
    // Error captures a stack trace, too costly to make on every request).
    let failure: CharterError | 'cancelled' | undefined = 'cancelled';
    let result = first;
    try {
      while (!result.done) {
        const event = result.value;
        if (event.type === 'delta') {
          meter.deltaCount++;
          const released = guards && event.text ? await guards.text.push(event.text) : undefined;
          const releasedCalls = guards && event.toolCalls ? await guards.toolCalls.push(event.toolCalls) : undefined;
          if (released?.isBlocked || releasedCalls?.isBlocked) {
            const stopped = this.#contentFilterFinish(meter);
            meter.finishedAtMs = performance.now();
            failure = undefined;
            yield stopped;
            return;
          }
          const outgoing = guards ? guardedDelta(released?.release, releasedCalls?.release) : event;
          if (outgoing) {
            meter.firstTokenAtMs ??= performance.now();
            yield outgoing;
          }
        } else {
          meter.promptTokens = event.usage.promptTokens;
          meter.completionTokens = event.usage.completionTokens;
          const rest = guards ? await guards.text.finish() : undefined;
          const restCalls = guards ? await guards.toolCalls.finish() : undefined;
          // The generation is complete: its time ends here, and a reader that then goes away or takes long over
          // the last events changes neither its status nor its latency.
          meter.finishedAtMs = performance.now();
          failure = undefined;
          if (rest?.isBlocked || restCalls?.isBlocked) {
            yield { type: 'finish', finishReason: 'content_filter', usage: event.usage };
          } else {
            if (rest?.release) {
              meter.firstTokenAtMs ??= performance.now();
              yield { type: 'delta', text: rest.release };
            }
            if (restCalls && restCalls.release.length > 0) {
              meter.firstTokenAtMs ??= performance.now();
              yield { type: 'delta', toolCalls: restCalls.release };
            }
            yield event;
          }
        }
        result = await iterator.next();
      }
    } catch (error) {
      failure = toCharterError(error, meter.model, context.signal);
      throw failure;
    } finally {
      if (failure || guards?.text.isBlocked || guards?.toolCalls.isBlocked) meter.completionTokens = Math.max(meter.completionTokens, meter.deltaCount);
      // Whatever ended the loop early (a failure, a block, a reader that left after the last event), the engine's
      // stream is closed.
      if (!result.done) void iterator.return?.();
      this.#finishMeter(meter, context, failure === 'cancelled' ? new RequestCancelledError() : failure);
    }
  }

  /** The end of a stream the output policy stopped: what was generated is still metered. */
  #contentFilterFinish(meter: Meter): GenerationEvent {
    meter.completionTokens = Math.max(meter.completionTokens, meter.deltaCount);
    return { type: 'finish', finishReason: 'content_filter', usage: { promptTokens: meter.promptTokens, completionTokens: meter.completionTokens } };
  }

  #startMeter(endpoint: ApiEndpoint, model: string, context: RequestContext): Meter {
    return { endpoint, model, engineId: null, promptTokens: 0, completionTokens: 0, deltaCount: 0, startedAtMs: performance.now(), firstTokenAtMs: undefined, finishedAtMs: undefined, admission: undefined };
  }

  #finishMeter(meter: Meter, context: RequestContext, error: CharterError | undefined): void {
    const now = performance.now();
    if (meter.admission) {
      const usedTokens = meter.promptTokens + meter.completionTokens;
      // A request that failed before the engine used anything gives its whole reservation back.
      if (error !== undefined && meter.firstTokenAtMs === undefined && meter.completionTokens === 0) this.#admission?.release(meter.admission);
      else this.#admission?.settle(meter.admission, usedTokens);
    }
    const record: UsageRecord = {
      id: newTimeOrderedId('usage'),
      requestId: context.requestId,
      apiKeyId: context.principal.apiKeyId,
      userId: context.principal.userId,
      organizationId: context.principal.organizationId,
      endpoint: meter.endpoint,
      model: meter.model,
      engineId: meter.engineId,
      promptTokens: meter.promptTokens,
      completionTokens: meter.completionTokens,
      status: error === undefined ? 'succeeded' : error instanceof RequestCancelledError ? 'cancelled' : 'failed',
      errorCode: error === undefined || error instanceof RequestCancelledError ? null : error.code,
      latencyMs: Math.round((meter.finishedAtMs ?? now) - meter.startedAtMs),
      timeToFirstTokenMs: meter.firstTokenAtMs === undefined ? null : Math.round(meter.firstTokenAtMs - meter.startedAtMs),
      createdAt: this.#clock(),
    };
    this.#metering.record(record);
    this.#onUsage(record);
  }

  #resolve(principal: Principal, endpoint: ApiEndpoint, model: string): ModelRoute {
    this.#authoriseEndpoint(principal, endpoint);
    const route = this.#routes.get(model);
    if (!route || !canUseModel(principal.scopes, model)) throw new ModelNotFoundError(model);
    return route;
  }

  #authoriseEndpoint(principal: Principal, endpoint: ApiEndpoint): void {
    if (!canCallEndpoint(principal.scopes, endpoint)) {
      throw new PermissionDeniedError(`This API key may not call the ${endpoint} endpoint.`);
    }
  }

  #order(route: ModelRoute): RouteTarget[] {
    return orderTargets(route, (target) => this.#health.get(target.engine)?.isHealthy ?? true, this.#random);
  }

  #listing(route: ModelRoute): ModelListing {
    return {
      name: route.name,
      contextWindow: route.contextWindow,
      ownedBy: route.ownedBy,
      createdAt: route.createdAt,
      isAvailable: route.targets.some((target) => this.#health.get(target.engine)?.isHealthy ?? true),
    };
  }
}

interface Meter {
  endpoint: ApiEndpoint;
  model: string;
  engineId: string | null;
  promptTokens: number;
  completionTokens: number;
  deltaCount: number;
  startedAtMs: number;
  firstTokenAtMs: number | undefined;
  /** When the engine's last event was ready to hand on (the end of the generation), if it got that far. */
  finishedAtMs: number | undefined;
  admission: Admission | undefined;
}

/** The output moderation of one generation: its text and its function-call arguments. */
interface OutputGuards {
  text: OutputGuard;
  toolCalls: ToolCallGuard;
}

/** The delta to send for what the guards released now; undefined when they hold everything back. */
function guardedDelta(text: string | undefined, toolCalls: ToolCallDelta[] | undefined): GenerationEvent | undefined {
  if (!text && (toolCalls === undefined || toolCalls.length === 0)) return undefined;
  return { type: 'delta', ...(text ? { text } : {}), ...(toolCalls !== undefined && toolCalls.length > 0 ? { toolCalls } : {}) };
}

/** A prompt's tokens guessed from its length (about four characters a token) when no tokenizer is at hand. */
function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

function isRetryable(error: unknown): boolean {
  return error instanceof EngineFailure && error.isRetryable;
}

function failureKind(error: unknown): string {
  return error instanceof EngineFailure ? error.kind : 'unknown';
}
