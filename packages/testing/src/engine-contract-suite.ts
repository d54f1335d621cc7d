import { EngineFailure } from '@charter/engine-spec';
import type { ChatRequest, GenerationEvent, InferenceEngine } from '@charter/engine-spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What a contract run needs: a started engine, one chat model it serves, and how to tear both down. */
export interface EngineContractSubject {
  engine: InferenceEngine;
  /** Engine-local name of a chat model to generate with. */
  model: string;
  close(): Promise<void>;
}

/** Adjustments for engines (or test models) that cannot do everything the defaults assume. */
export interface EngineContractOptions {
  /** User prompt for the generation tests. Default: a request for a long story, so `maxTokens` cuts it. */
  prompt?: string;
  /** `maxTokens` of the length test. Default 4. */
  maxTokens?: number;
  /** Whether the length test's answer is long enough to be cut (finish reason `length`). Default true. */
  isLengthFinishExpected?: boolean;
  /** `maxTokens` of the abort test: enough to still be generating when the first delta arrives. Default 256. */
  abortMaxTokens?: number;
  /** How soon after `abort()` the stream must throw. Default 5 000 ms (CI machines are shared). */
  abortWithinMs?: number;
  /** Per-test timeout. Default 60 000 ms. */
  timeoutMs?: number;
}

const DEFAULT_PROMPT =
  'Write a long story about a lighthouse keeper, then repeat this greeting exactly: ' +
  'Hello, 你好, こんにちは, 안녕하세요, مرحبا, שלום, नमस्ते, สวัสดี, Привет, Γειά σου, café, 👋🏽, 👨‍👩‍👧, 🇺🇦';

/**
 * The behaviour every InferenceEngine must show, as shared Vitest tests. Run it once per engine with a
 * setup that starts the engine (a real GGUF for llama.cpp, a fake upstream for the HTTP engine). Setup runs
 * once for the whole block, as loading a model is expensive.
 */
export function describeEngineContract(
  title: string,
  setup: () => Promise<EngineContractSubject>,
  options: EngineContractOptions = {},
): void {
  const prompt = options.prompt ?? DEFAULT_PROMPT;
  const maxTokens = options.maxTokens ?? 4;
  const abortMaxTokens = options.abortMaxTokens ?? 256;
  const abortWithinMs = options.abortWithinMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 60_000;

  describe(`engine contract: ${title}`, () => {
    let subject: EngineContractSubject | undefined;
    const current = (): EngineContractSubject => {
      if (subject === undefined) throw new Error('engine contract setup did not complete');
      return subject;
    };
    const chat = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
      model: current().model,
      messages: [{ role: 'user', content: prompt }],
      ...overrides,
    });

    beforeAll(async () => {
      subject = await setup();
    }, timeoutMs * 2);

    afterAll(async () => {
      await subject?.close();
    }, timeoutMs);

    it('API-1 lists the model under test with a context window and chat capability', async () => {
      const models = await current().engine.listModels();
      const model = models.find((candidate) => candidate.name === current().model);
      expect(model).toBeDefined();
      expect(Number.isInteger(model?.contextWindow)).toBe(true);
      expect(model?.contextWindow).toBeGreaterThan(0);
      expect(model?.capabilities.chat).toBe(true);
    }, timeoutMs);

    it('API-1 streamChat yields at least one delta, then exactly one finish with integer usage', async () => {
      const events = await collect(current().engine.streamChat(chat(), { signal: new AbortController().signal }));
      const finishes = events.filter((event) => event.type === 'finish');
      expect(finishes).toHaveLength(1);
      expect(events[events.length - 1]?.type).toBe('finish');
      expect(events.filter((event) => event.type === 'delta').length).toBeGreaterThanOrEqual(1);
      const finish = finishes[0];
      if (finish?.type !== 'finish') throw new Error('no finish event');
      expect(['stop', 'length', 'tool_calls', 'content_filter']).toContain(finish.finishReason);
      for (const count of [finish.usage.promptTokens, finish.usage.completionTokens]) {
        expect(Number.isInteger(count)).toBe(true);
        expect(count).toBeGreaterThanOrEqual(0);
      }
      expect(finish.usage.promptTokens).toBeGreaterThan(0);
      expect(finish.usage.completionTokens).toBeGreaterThan(0);
    }, timeoutMs);

    it('API-1 generates non-empty text', async () => {
      const events = await collect(current().engine.streamChat(chat(), { signal: new AbortController().signal }));
      expect(textOf(events).trim().length).toBeGreaterThan(0);
    }, timeoutMs);

    it('API-1 respects maxTokens and reports a cut answer with finish reason length', async () => {
      const events = await collect(
        current().engine.streamChat(chat({ maxTokens }), { signal: new AbortController().signal }),
      );
      const finish = events[events.length - 1];
      if (finish?.type !== 'finish') throw new Error('stream did not end with a finish event');
      expect(finish.usage.completionTokens).toBeLessThanOrEqual(maxTokens);
      if (options.isLengthFinishExpected ?? true) expect(finish.finishReason).toBe('length');
    }, timeoutMs);

    it('API-7 abort mid-stream throws EngineFailure aborted promptly, and the engine serves the next request', async () => {
      const { engine } = current();
      const controller = new AbortController();
      const events: GenerationEvent[] = [];
      let abortedAt = 0;
      const outcome = await settle(async () => {
        for await (const event of engine.streamChat(chat({ maxTokens: abortMaxTokens }), { signal: controller.signal })) {
          events.push(event);
          if (event.type === 'delta' && !controller.signal.aborted) {
            abortedAt = performance.now();
            controller.abort();
          }
        }
      });
      const elapsedMs = performance.now() - abortedAt;
      expectFailureKind(outcome, 'aborted');
      expect(events.some((event) => event.type === 'finish')).toBe(false);
      expect(elapsedMs).toBeLessThan(abortWithinMs);

      const next = await collect(engine.streamChat(chat({ maxTokens }), { signal: new AbortController().signal }));
      expect(next[next.length - 1]?.type).toBe('finish');
    }, timeoutMs);

    it('API-7 an already aborted signal throws aborted without generating', async () => {
      const controller = new AbortController();
      controller.abort();
      const events: GenerationEvent[] = [];
      const outcome = await settle(async () => {
        for await (const event of current().engine.streamChat(chat(), { signal: controller.signal })) events.push(event);
      });
      expectFailureKind(outcome, 'aborted');
      expect(events).toHaveLength(0);
    }, timeoutMs);

    it('API-3 every delta is well-formed Unicode: no replacement characters, no lone surrogates', async () => {
      const events = await collect(current().engine.streamChat(chat(), { signal: new AbortController().signal }));
      for (const event of events) {
        if (event.type !== 'delta') continue;
        if (event.text !== undefined) expect(findMalformedUnicode(event.text), JSON.stringify(event.text)).toBeUndefined();
        for (const call of event.toolCalls ?? []) {
          if (call.argumentsJsonDelta !== undefined) expect(findMalformedUnicode(call.argumentsJsonDelta)).toBeUndefined();
        }
      }
    }, timeoutMs);

    it('API-7 health() reports a healthy engine with integer queue and activity counts', async () => {
      const health = await current().engine.health();
      expect(health.isHealthy).toBe(true);
      expect(Number.isInteger(health.queueDepth)).toBe(true);
      expect(Number.isInteger(health.activeRequests)).toBe(true);
      expect(health.activeRequests).toBeGreaterThanOrEqual(0);
    }, timeoutMs);
  });
}

async function collect(stream: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function textOf(events: GenerationEvent[]): string {
  let text = '';
  for (const event of events) if (event.type === 'delta' && event.text !== undefined) text += event.text;
  return text;
}

async function settle(run: () => Promise<void>): Promise<{ error: unknown } | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return { error };
  }
}

function expectFailureKind(outcome: { error: unknown } | undefined, kind: EngineFailure['kind']): void {
  expect(outcome, 'the stream should have thrown').toBeDefined();
  const error = outcome?.error;
  expect(error).toBeInstanceOf(EngineFailure);
  expect((error as EngineFailure).kind).toBe(kind);
}

/** The first problem in a text: a U+FFFD (a decoder met broken bytes) or a surrogate without its pair. */
function findMalformedUnicode(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0xfffd) return `U+FFFD at ${index}`;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return `lone high surrogate at ${index}`;
      index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return `lone low surrogate at ${index}`;
    }
  }
  return undefined;
}
