import { EngineFailure } from '@charter/engine-spec';
import type { ChatRequest, GenerationEvent, ToolCallDelta } from '@charter/engine-spec';
import { countFakeTokens, startFakeUpstream } from '@charter/testing';
import type { FakeUpstream } from '@charter/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpenAiCompatibleEngine } from './openai-compatible-engine.js';
import type { OpenAiCompatibleEngineOptions } from './engine-options.js';
import type { OpenAiCompatibleEngine } from './openai-compatible-engine.js';
import { isEstimatedTokenUsage } from './response-mapping.js';

// Generous limits throughout: other suites share the two cores, so only orders of magnitude are asserted.
const WAIT = { timeout: 10_000, interval: 50 };

const UNICODE_TEXT =
  '中文：你好，世界。日本語：こんにちは。한국어: 안녕하세요. العربية: مرحبا بالعالم. עברית: שלום עולם. ' +
  'हिन्दी: नमस्ते दुनिया। ไทย: สวัสดีชาวโลก. Русский: Привет, мир. Ελληνικά: Γειά σου κόσμε. ' +
  'Combining: e\u0301 a\u0308 n\u0303 \u0915\u094D\u0937. Emoji: 👋🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇺🇦🇯🇵 🧑🏿‍💻 𝄞 𠜎.';

let upstream: FakeUpstream;
const engines: OpenAiCompatibleEngine[] = [];

function createEngine(overrides: Partial<OpenAiCompatibleEngineOptions> = {}): OpenAiCompatibleEngine {
  const engine = createOpenAiCompatibleEngine({
    id: 'fake-route',
    baseUrl: upstream.url,
    apiKey: 'sk-upstream-secret',
    models: [
      { name: 'fake-model', contextWindow: 4096 },
      { name: 'renamed', upstreamModel: 'fake-model', contextWindow: 4096 },
      { name: 'embedder', upstreamModel: 'fake-model', contextWindow: 512, capabilities: { chat: false, embeddings: true } },
      { name: 'unknown-upstream', upstreamModel: 'not-served', contextWindow: 4096 },
    ],
    connectTimeoutMs: 2_000,
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    retryBaseDelayMs: 10,
    tokenizer: 'none',
    healthCheck: false,
    ...overrides,
  });
  engines.push(engine);
  return engine;
}

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'fake-model', messages: [{ role: 'user', content: 'Tell me a story.' }], ...overrides };
}

function signal(): AbortSignal {
  return new AbortController().signal;
}

async function collect(stream: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function failureOf(run: () => Promise<unknown>): Promise<EngineFailure> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineFailure);
    return error as EngineFailure;
  }
  throw new Error('expected an EngineFailure');
}

function textOf(events: GenerationEvent[]): string {
  return events.map((event) => (event.type === 'delta' ? (event.text ?? '') : '')).join('');
}

function finishOf(events: GenerationEvent[]): Extract<GenerationEvent, { type: 'finish' }> {
  const last = events[events.length - 1];
  if (last?.type !== 'finish') throw new Error('stream did not end with a finish event');
  expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
  return last;
}

/** Reassemble streamed tool-call deltas the way a client does. */
function toolCallsOf(events: GenerationEvent[]): Array<{ id: string; name: string; argumentsJson: string }> {
  const calls: Array<{ id: string; name: string; argumentsJson: string }> = [];
  const deltas: ToolCallDelta[] = events.flatMap((event) => (event.type === 'delta' ? (event.toolCalls ?? []) : []));
  for (const delta of deltas) {
    const call = (calls[delta.index] ??= { id: '', name: '', argumentsJson: '' });
    if (delta.id !== undefined) call.id = delta.id;
    if (delta.name !== undefined) call.name = delta.name;
    call.argumentsJson += delta.argumentsJsonDelta ?? '';
  }
  return calls;
}

function isWellFormed(text: string): boolean {
  return !text.includes('\uFFFD') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

beforeEach(async () => {
  upstream = await startFakeUpstream();
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
  await upstream.close();
});

describe('OpenAiCompatibleEngine request mapping', () => {
  it('API-1 sends the exact snake_case body, renames the model and sends the Authorization header', async () => {
    const engine = createEngine({ headers: { 'X-Route': 'blue' } });
    await collect(
      engine.streamChat(
        chat({
          model: 'renamed',
          messages: [
            { role: 'system', content: 'Answer in JSON.' },
            { role: 'user', content: 'Weather in Zürich?' },
            { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Zürich"}' }] },
            { role: 'tool', content: '{"celsius":21}', toolCallId: 'call_1' },
          ],
          temperature: 0.5,
          topP: 0.8,
          maxTokens: 100,
          stop: ['END'],
          seed: 42,
          presencePenalty: 0.5,
          frequencyPenalty: 0.25,
          tools: [{ name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: {} } }],
          toolChoice: 'auto',
          responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
          endUser: 'end-user-7',
        }),
        { signal: signal() },
      ),
    );
    const [request] = upstream.requestsTo('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe('Bearer sk-upstream-secret');
    expect(request?.headers['x-route']).toBe('blue');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Weather in Zürich?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Zürich"}' } }] },
        { role: 'tool', content: '{"celsius":21}', tool_call_id: 'call_1' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.5,
      top_p: 0.8,
      max_tokens: 100,
      stop: ['END'],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      user: 'end-user-7',
    });
  });

  it('API-1 passes response_format json_object through unchanged', async () => {
    const engine = createEngine();
    await collect(engine.streamChat(chat({ responseFormat: { type: 'json_object' } }), { signal: signal() }));
    expect(upstream.requestsTo('/v1/chat/completions')[0]?.body).toMatchObject({ response_format: { type: 'json_object' } });
  });

  it('API-1 lists the configured models without a network call', async () => {
    const engine = createEngine();
    const models = await engine.listModels();
    expect(models.map((model) => model.name)).toEqual(['fake-model', 'renamed', 'embedder', 'unknown-upstream']);
    expect(models[2]).toEqual({ name: 'embedder', contextWindow: 512, capabilities: { chat: false, completion: true, embeddings: true } });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('OpenAiCompatibleEngine streaming', () => {
  it('API-1 streams the recorded text and takes usage from the usage chunk', async () => {
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(textOf(events)).toBe('The lighthouse keeper climbed the spiral stairs at dusk, lit the lamp, and watched the ships pass.');
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('stop');
    expect(finish.usage).toEqual({ promptTokens: 31, completionTokens: 21 });
    expect(isEstimatedTokenUsage(finish.usage)).toBe(false);
  });

  it('API-1 reassembles parallel tool calls streamed over several chunks', async () => {
    upstream.configure({ fixture: 'chat-tool-call' });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(toolCallsOf(events)).toEqual([
      { id: 'call_kV3pZ8rQ1xYb7Wn2Lc5Tf9Hd', name: 'get_weather', argumentsJson: '{"city": "Zürich", "unit": "celsius"}' },
      { id: 'call_Qm7sE2uJ4yNa6Rb1Xo8Kd3Vg', name: 'get_weather', argumentsJson: '{"city": "東京", "unit": "celsius"}' },
    ]);
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('tool_calls');
    expect(finish.usage).toEqual({ promptTokens: 84, completionTokens: 51 });
  });

  it('API-3 streams CJK, RTL, Indic, Thai, Cyrillic, Greek, combining marks and emoji split inside characters intact', async () => {
    upstream.configure({ text: UNICODE_TEXT, splitUtf8: true });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    for (const event of events) {
      if (event.type === 'delta') expect(isWellFormed(event.text ?? ''), JSON.stringify(event.text)).toBe(true);
    }
    expect(textOf(events)).toBe(UNICODE_TEXT);
    expect(finishOf(events).usage.completionTokens).toBe(countFakeTokens(UNICODE_TEXT));
  });

  it('API-3 handles \\r\\n line endings and keep-alive comments with split characters', async () => {
    upstream.configure({ text: UNICODE_TEXT, splitUtf8: true, lineEnding: '\r\n', hasKeepAliveComments: true });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(textOf(events)).toBe(UNICODE_TEXT);
    expect(finishOf(events).finishReason).toBe('stop');
  });

  it('API-1 reports finish reason length when max_tokens cuts the answer', async () => {
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat({ maxTokens: 3 }), { signal: signal() }));
    expect(textOf(events)).toBe('The lighthouse');
    expect(finishOf(events)).toMatchObject({ finishReason: 'length', usage: { completionTokens: 3 } });
  });

  it('API-1 works with an upstream that answers a stream request with one JSON object', async () => {
    upstream.configure({ respondNonStreaming: true });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(textOf(events)).toBe('The lighthouse keeper climbed the spiral stairs at dusk, lit the lamp, and watched the ships pass.');
    expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: { promptTokens: 31, completionTokens: 21 } });

    upstream.configure({ fixture: 'chat-tool-call' });
    const toolEvents = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(toolCallsOf(toolEvents).map((call) => JSON.parse(call.argumentsJson))).toEqual([
      { city: 'Zürich', unit: 'celsius' },
      { city: '東京', unit: 'celsius' },
    ]);
    expect(finishOf(toolEvents).finishReason).toBe('tool_calls');
  });

  it('API-1 a non-streamed generation asks for stream false and returns the whole answer, with the upstream usage', async () => {
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal(), isStreamed: false }));
    expect(upstream.requestsTo('/v1/chat/completions')[0]?.body).toMatchObject({ stream: false });
    expect(events.filter((event) => event.type === 'delta')).toHaveLength(1);
    expect(textOf(events)).toBe('The lighthouse keeper climbed the spiral stairs at dusk, lit the lamp, and watched the ships pass.');
    expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: { promptTokens: 31, completionTokens: 21 } });

    upstream.configure({ text: UNICODE_TEXT, splitUtf8: true });
    const unicode = await collect(engine.streamChat(chat(), { signal: signal(), isStreamed: false }));
    expect(textOf(unicode)).toBe(UNICODE_TEXT);
  });

  it('API-1 a non-streamed generation answered with an event stream still yields the whole text', async () => {
    upstream.configure({ respondStreaming: true, text: UNICODE_TEXT, splitUtf8: true });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal(), isStreamed: false }));
    expect(upstream.requestsTo('/v1/chat/completions')[0]?.body).toMatchObject({ stream: false });
    expect(textOf(events)).toBe(UNICODE_TEXT);
    expect(finishOf(events).finishReason).toBe('stop');
  });

  it('API-1 estimates usage from the number of content chunks when the upstream sends none (tokenizer none)', async () => {
    upstream.configure({ omitUsage: true });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    const finish = finishOf(events);
    expect(finish.usage.completionTokens).toBe(21);
    expect(finish.usage.promptTokens).toBe(Math.ceil('Tell me a story.'.length / 4));
    expect(isEstimatedTokenUsage(finish.usage)).toBe(true);
    expect(upstream.requestsTo('/tokenize')).toHaveLength(0);
  });

  it('API-1 counts usage with the upstream tokenizer when the upstream sends none (tokenizer upstream)', async () => {
    upstream.configure({ omitUsage: true, text: 'Exactly twenty code points here.' });
    const engine = createEngine({ tokenizer: 'upstream' });
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    const finish = finishOf(events);
    const promptTokens = await engine.countChatTokens(chat());
    expect(finish.usage).toEqual({ promptTokens, completionTokens: countFakeTokens('Exactly twenty code points here.'), isEstimated: true });
    expect(upstream.requestsTo('/tokenize').map((request) => request.body)).toEqual(
      expect.arrayContaining([
        { model: 'fake-model', prompt: 'Exactly twenty code points here.', add_special_tokens: false },
        { model: 'fake-model', messages: [{ role: 'user', content: 'Tell me a story.' }], add_generation_prompt: true },
      ]),
    );
  });

  it('API-1 streams legacy text completions from POST /completions', async () => {
    const engine = createEngine();
    const events = await collect(engine.streamTextCompletion({ model: 'renamed', prompt: 'Once', maxTokens: 50 }, { signal: signal() }));
    expect(textOf(events)).toBe(' upon a time, in a harbour town, there lived a keeper.');
    expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: { promptTokens: 4, completionTokens: 14 } });
    expect(upstream.requestsTo('/v1/completions')[0]?.body).toEqual({
      model: 'fake-model',
      prompt: 'Once',
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('API-1 embeds through POST /embeddings, vectors in input order', async () => {
    const engine = createEngine();
    const result = await engine.embed({ model: 'embedder', inputs: ['first', 'second text'], dimensions: 4 }, { signal: signal() });
    expect(result.vectors).toHaveLength(2);
    expect(result.vectors[0]).toHaveLength(4);
    expect(result.vectors[0]).not.toEqual(result.vectors[1]);
    expect(result.usage.promptTokens).toBe(countFakeTokens('first') + countFakeTokens('second text'));
    expect(upstream.requestsTo('/v1/embeddings')[0]?.body).toEqual({
      model: 'fake-model',
      input: ['first', 'second text'],
      dimensions: 4,
      encoding_format: 'float',
    });
    expect((await failureOf(() => engine.embed({ model: 'fake-model', inputs: ['x'] }, { signal: signal() }))).kind).toBe('invalid_request');
  });

  it('API-2 counts tokens with the upstream /tokenize, or not at all with tokenizer none', async () => {
    const counting = createEngine({ tokenizer: 'upstream' });
    expect(await counting.countTextTokens('renamed', 'twelve chars')).toBe(countFakeTokens('twelve chars'));
    expect(await counting.countChatTokens(chat())).toBe(2 + 4 + countFakeTokens('Tell me a story.'));
    upstream.configure({ tokenizeShape: 'tokens' });
    expect(await counting.countTextTokens('fake-model', 'twelve chars')).toBe(countFakeTokens('twelve chars'));
    const silent = createEngine({ tokenizer: 'none' });
    expect(await silent.countTextTokens('fake-model', 'text')).toBeUndefined();
    expect(await silent.countChatTokens(chat())).toBeUndefined();
  });
});

describe('OpenAiCompatibleEngine failures and retries', () => {
  it('API-7 retries 503 twice with backoff and then succeeds: three requests reach the upstream', async () => {
    upstream.configure({ failTimes: 2, status: 503 });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(finishOf(events).finishReason).toBe('stop');
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('API-7 retries a non-streamed generation the same way, and honours a short Retry-After', async () => {
    upstream.configure({ failTimes: 2, status: 503, retryAfterSeconds: 0 });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal(), isStreamed: false }));
    expect(finishOf(events).finishReason).toBe('stop');
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(3);

    upstream.configure({ failTimes: 1, status: 400, errorBody: { error: { message: 'bad temperature', type: 'invalid_request_error', param: 'temperature' } } });
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal(), isStreamed: false })));
    expect(failure).toMatchObject({ kind: 'invalid_request', isRetryable: false, upstreamStatus: 400, message: 'bad temperature', param: 'temperature' });
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(4);
  });

  it('API-7 gives up after maxRetries and reports the last failure as retryable', async () => {
    upstream.configure({ failTimes: 5, status: 502 });
    const engine = createEngine({ maxRetries: 1 });
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'unavailable', isRetryable: true, upstreamStatus: 502 });
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('API-7 maps 429 to overloaded and retries it', async () => {
    upstream.configure({ failTimes: 1, status: 429, retryAfterSeconds: 0 });
    const engine = createEngine();
    await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(2);
    upstream.configure({ failTimes: 5, status: 429 });
    const failure = await failureOf(() => collect(createEngine({ maxRetries: 0 }).streamChat(chat(), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'overloaded', isRetryable: true });
  });

  it('API-7 does not retry a 400 and keeps the upstream message and param', async () => {
    upstream.configure({
      failTimes: 1,
      status: 400,
      errorBody: { error: { message: "'temperature' must be at most 2", type: 'invalid_request_error', param: 'temperature', code: null } },
    });
    const engine = createEngine();
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect(failure).toMatchObject({
      kind: 'invalid_request',
      message: "'temperature' must be at most 2",
      param: 'temperature',
      isRetryable: false,
      upstreamStatus: 400,
    });
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('API-7 never retries once text was streamed: a mid-stream crash surfaces after the deltas', async () => {
    upstream.configure({ destroyAfterChunks: 4 });
    const engine = createEngine();
    const events: GenerationEvent[] = [];
    const failure = await failureOf(async () => {
      for await (const event of engine.streamChat(chat(), { signal: signal() })) events.push(event);
    });
    expect(failure.kind).toBe('unavailable');
    expect(textOf(events)).toBe('The lighthouse'); // the role chunk and three content chunks
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('API-7 times out when the upstream sends no headers, within the configured time and without retrying', async () => {
    upstream.configure({ hangBeforeHeadersMs: 30_000 });
    const engine = createEngine({ firstByteTimeoutMs: 300 });
    const startedAt = performance.now();
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('API-7 times out when the stream goes idle between chunks', async () => {
    upstream.configure({ chunkDelayMs: 30_000 });
    const engine = createEngine({ idleTimeoutMs: 300 });
    const startedAt = performance.now();
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect(failure.kind).toBe('timeout');
    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });

  it('API-7 does not count a slow consumer against the idle timeout', async () => {
    const engine = createEngine({ idleTimeoutMs: 200 });
    const events: GenerationEvent[] = [];
    for await (const event of engine.streamChat(chat(), { signal: signal() })) {
      events.push(event);
      if (events.length === 2) await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(finishOf(events).finishReason).toBe('stop');
  });

  it('API-1 finishes at [DONE] without waiting for the body to end, then reads it to the end so the connection is reused', async () => {
    upstream.configure({ holdAfterDoneMs: 1_500 });
    const engine = createEngine();
    const startedAt = performance.now();
    const events: GenerationEvent[] = [];
    let finishAfterMs = Number.NaN;
    for await (const event of engine.streamChat(chat(), { signal: signal() })) {
      events.push(event);
      if (event.type === 'finish') finishAfterMs = performance.now() - startedAt;
    }
    const endAfterMs = performance.now() - startedAt;
    expect(textOf(events)).toBe('The lighthouse keeper climbed the spiral stairs at dusk, lit the lamp, and watched the ships pass.');
    expect(finishOf(events).usage).toEqual({ promptTokens: 31, completionTokens: 21 });
    // The finish came with the events before [DONE]; the generation ended only when the held body did.
    expect(endAfterMs).toBeGreaterThanOrEqual(1_400);
    expect(finishAfterMs).toBeLessThan(endAfterMs - 1_000);
    // The pool may hand the next requests to another connection first; a destroyed one would never come back.
    upstream.configure({ holdAfterDoneMs: 0 });
    for (let index = 0; index < 3; index++) await collect(engine.streamChat(chat(), { signal: signal() }));
    const [first, ...later] = upstream.requestsTo('/v1/chat/completions');
    expect(first?.isFinished).toBe(true);
    expect(later.map((request) => request.connectionNumber)).toContain(first?.connectionNumber);
  });

  it('API-7 a connection lost after [DONE] does not fail the finished answer', async () => {
    upstream.configure({ destroyAfterDone: true });
    const engine = createEngine();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(textOf(events)).toBe('The lighthouse keeper climbed the spiral stairs at dusk, lit the lamp, and watched the ships pass.');
    expect(finishOf(events).finishReason).toBe('stop');
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('API-7 the idle timeout bounds a body left open after [DONE], without failing the answer', async () => {
    upstream.configure({ holdAfterDoneMs: 30_000 });
    const engine = createEngine({ idleTimeoutMs: 300 });
    const startedAt = performance.now();
    const events = await collect(engine.streamChat(chat(), { signal: signal() }));
    expect(finishOf(events).finishReason).toBe('stop');
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    await vi.waitFor(() => expect(upstream.requestsTo('/v1/chat/completions')[0]?.isAborted).toBe(true), WAIT);
  });

  it('API-7 reports connection refused as unavailable after retrying', async () => {
    const port = upstream.port;
    await upstream.close();
    const engine = createEngine({ baseUrl: `http://127.0.0.1:${port}/v1` });
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'unavailable', isRetryable: true });
    expect(failure.upstreamStatus).toBeUndefined();
    upstream = await startFakeUpstream();
  });

  it('API-2 maps the upstream context-length 400 to context_length_exceeded', async () => {
    upstream.configure({ contextWindow: 8 });
    const engine = createEngine();
    const failure = await failureOf(() => collect(engine.streamChat(chat({ maxTokens: 100 }), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'context_length_exceeded', isRetryable: false, upstreamStatus: 400 });
    expect(failure.message).toContain('maximum context length');
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('API-7 maps an unknown model: locally without a request, and the upstream 404 to model_not_found', async () => {
    const engine = createEngine();
    expect((await failureOf(() => collect(engine.streamChat(chat({ model: 'nope' }), { signal: signal() })))).kind).toBe('model_not_found');
    expect(upstream.requests).toHaveLength(0);
    const failure = await failureOf(() => collect(engine.streamChat(chat({ model: 'unknown-upstream' }), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'model_not_found', upstreamStatus: 404 });
    expect(upstream.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('API-7 rejects requests beyond maxConcurrent with overloaded and frees the slot afterwards', async () => {
    upstream.configure({ chunkDelayMs: 20 });
    const engine = createEngine({ maxConcurrent: 1 });
    const first = engine.streamChat(chat(), { signal: signal() })[Symbol.asyncIterator]();
    expect((await first.next()).value).toMatchObject({ type: 'delta' });
    expect((await engine.health()).activeRequests).toBe(1);
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect(failure).toMatchObject({ kind: 'overloaded', isRetryable: true });
    expect((await failureOf(() => engine.embed({ model: 'embedder', inputs: ['x'] }, { signal: signal() }))).kind).toBe('overloaded');
    for (let result = await first.next(); result.done !== true; result = await first.next()) {
      // drain the first stream
    }
    expect((await engine.health()).activeRequests).toBe(0);
    expect(finishOf(await collect(engine.streamChat(chat(), { signal: signal() }))).finishReason).toBe('stop');
  });
});

describe('OpenAiCompatibleEngine cancellation', () => {
  it('API-7 abort mid-stream throws aborted and the upstream sees its connection close', async () => {
    upstream.configure({ chunkDelayMs: 100 });
    const engine = createEngine();
    const controller = new AbortController();
    const events: GenerationEvent[] = [];
    const failure = await failureOf(async () => {
      for await (const event of engine.streamChat(chat(), { signal: controller.signal })) {
        events.push(event);
        if (events.length === 2) controller.abort();
      }
    });
    expect(failure).toMatchObject({ kind: 'aborted', isRetryable: false });
    expect(events).toHaveLength(2);
    await vi.waitFor(() => expect(upstream.requestsTo('/v1/chat/completions')[0]?.isAborted).toBe(true), WAIT);
    expect((await engine.health()).activeRequests).toBe(0);
  });

  it('API-7 abort while waiting for headers cancels promptly', async () => {
    upstream.configure({ hangBeforeHeadersMs: 30_000 });
    const engine = createEngine({ firstByteTimeoutMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const startedAt = performance.now();
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: controller.signal })));
    expect(failure.kind).toBe('aborted');
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    await vi.waitFor(() => expect(upstream.requestsTo('/v1/chat/completions')[0]?.isAborted).toBe(true), WAIT);
  });

  it('API-7 abort while waiting for a non-streamed answer cancels promptly and closes the upstream connection', async () => {
    upstream.configure({ chunkDelayMs: 1_000 }); // the whole answer takes ~20 s to "generate"
    const engine = createEngine();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const startedAt = performance.now();
    const failure = await failureOf(() => collect(engine.streamChat(chat(), { signal: controller.signal, isStreamed: false })));
    expect(failure.kind).toBe('aborted');
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    await vi.waitFor(() => expect(upstream.requestsTo('/v1/chat/completions')[0]?.isAborted).toBe(true), WAIT);
    expect((await engine.health()).activeRequests).toBe(0);
  });

  it('API-7 a consumer that stops iterating cancels the upstream request', async () => {
    upstream.configure({ chunkDelayMs: 100 });
    const engine = createEngine();
    for await (const event of engine.streamChat(chat(), { signal: signal() })) {
      if (event.type === 'delta') break;
    }
    await vi.waitFor(() => expect(upstream.requestsTo('/v1/chat/completions')[0]?.isAborted).toBe(true), WAIT);
    expect((await engine.health()).activeRequests).toBe(0);
  });

  it('API-7 an already aborted signal throws without reaching the upstream', async () => {
    const engine = createEngine();
    const controller = new AbortController();
    controller.abort();
    expect((await failureOf(() => collect(engine.streamChat(chat(), { signal: controller.signal })))).kind).toBe('aborted');
    expect((await failureOf(() => engine.embed({ model: 'embedder', inputs: ['x'] }, { signal: controller.signal }))).kind).toBe('aborted');
    expect(upstream.requests).toHaveLength(0);
  });

  it('API-7 abort during the retry backoff ends the wait at once', async () => {
    upstream.configure({ failTimes: 5, status: 503 });
    const engine = createEngine({ retryBaseDelayMs: 30_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const startedAt = performance.now();
    expect((await failureOf(() => collect(engine.streamChat(chat(), { signal: controller.signal })))).kind).toBe('aborted');
    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });
});

describe('OpenAiCompatibleEngine health', () => {
  it('API-7 health flips to unhealthy when the upstream goes away and back when it returns', async () => {
    const engine = createEngine({ healthCheck: { intervalMs: 100, timeoutMs: 1_000 } });
    expect(await engine.health()).toMatchObject({ isHealthy: true, queueDepth: 0, activeRequests: 0 });
    expect(upstream.requestsTo('/v1/models').length).toBeGreaterThanOrEqual(1);
    const port = upstream.port;
    await upstream.close();
    await vi.waitFor(async () => expect((await engine.health()).isHealthy).toBe(false), WAIT);
    expect((await engine.health()).detail).toMatch(/health check failed/);
    upstream = await startFakeUpstream({ port });
    await vi.waitFor(async () => expect((await engine.health()).isHealthy).toBe(true), WAIT);
  });

  it('API-7 probes a configured path at the origin', async () => {
    const engine = createEngine({ healthCheck: { path: '/health', isOriginPath: true, intervalMs: 60_000 } });
    expect((await engine.health()).isHealthy).toBe(true);
    expect(upstream.requestsTo('/health')).toHaveLength(1);
    expect(upstream.requestsTo('/health')[0]?.headers['authorization']).toBe('Bearer sk-upstream-secret');
  });

  it('API-7 without active checks, a refused connection marks the engine unhealthy until a request succeeds', async () => {
    const port = upstream.port;
    const engine = createEngine({ maxRetries: 0 });
    expect((await engine.health()).isHealthy).toBe(true);
    await upstream.close();
    await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })));
    expect((await engine.health()).isHealthy).toBe(false);
    upstream = await startFakeUpstream({ port });
    await collect(engine.streamChat(chat(), { signal: signal() }));
    expect((await engine.health()).isHealthy).toBe(true);
  });

  it('API-7 close() ends the engine: unhealthy, and later calls fail as unavailable', async () => {
    const engine = createEngine({ healthCheck: { intervalMs: 50 } });
    await engine.close();
    expect((await engine.health()).isHealthy).toBe(false);
    expect((await failureOf(() => collect(engine.streamChat(chat(), { signal: signal() })))).kind).toBe('unavailable');
  });
});
