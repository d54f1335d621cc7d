import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDialects } from '@charter/testing';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';

function parseSse(payload: string): { events: unknown[]; isDone: boolean } {
  const events: unknown[] = [];
  let isDone = false;
  for (const block of payload.split('\n\n')) {
    const line = block.trim();
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') isDone = true;
    else events.push(JSON.parse(data));
  }
  return { events, isDone };
}

async function usageRows(test: TestApp) {
  await test.app.services.metering.flush();
  return test.app.services.metering.listByUser({ userId: test.app.owner.id, from: new Date(0), to: new Date(Date.now() + 60_000) });
}

describe.each(testDialects)('OpenAI-compatible API on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect, { contextWindow: 64 });
  });
  afterAll(async () => {
    await test?.close();
  });

  const chat = (body: unknown, key = test.ownerKey) =>
    test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  it('API-1 answers a chat completion in OpenAI shape and records exactly one usage record (BIL-3)', async () => {
    const before = (await usageRows(test)).length;
    const response = await chat({ model: 'fake-model', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.object).toBe('chat.completion');
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.choices[0].message.role).toBe('assistant');
    expect(body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    const requestId = response.headers['x-request-id'];
    expect(typeof requestId).toBe('string');
    const rows = await usageRows(test);
    expect(rows.length).toBe(before + 1);
    const row = rows.find((record) => record.requestId === requestId)!;
    expect(row).toMatchObject({ status: 'succeeded', model: 'fake-model', engineId: 'fake', promptTokens: body.usage.prompt_tokens, completionTokens: body.usage.completion_tokens });
    expect(row.apiKeyId).not.toBeNull();
  });

  it('API-1 streams SSE chunks with a usage chunk when stream_options.include_usage is set', async () => {
    const response = await chat({ model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const { events, isDone } = parseSse(response.payload);
    expect(isDone).toBe(true);
    const chunks = events as Array<{ object: string; choices: Array<{ delta: { content?: string }; finish_reason: string | null }>; usage?: { total_tokens: number } | null }>;
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.total_tokens).toBeGreaterThan(0);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    const text = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('');
    expect(text.length).toBeGreaterThan(0);
  });

  it('API-1 a stream ends with its finish while the upstream still holds its body open; usage is recorded once that ends (BIL-3)', async () => {
    test.upstream.configure({ holdAfterDoneMs: 3_000 });
    try {
      const startedAt = performance.now();
      const response = await chat({ model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      expect(response.statusCode).toBe(200);
      const { events, isDone } = parseSse(response.payload);
      expect(isDone).toBe(true);
      const usage = (events.at(-1) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
      const requestId = response.headers['x-request-id'];
      await vi.waitFor(async () => {
        const row = (await usageRows(test)).find((record) => record.requestId === requestId);
        expect(row).toMatchObject({ status: 'succeeded', promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens });
      }, { timeout: 15_000, interval: 200 });
    } finally {
      test.upstream.configure({ holdAfterDoneMs: 0 });
    }
  });

  it('API-1 forwards tools and returns tool_calls with finish_reason tool_calls', async () => {
    test.upstream.configure({ fixture: 'chat-tool-call' });
    try {
      const response = await chat({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      });
      expect(response.statusCode).toBe(200);
      const choice = response.json().choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.tool_calls[0].type).toBe('function');
      expect(() => JSON.parse(choice.message.tool_calls[0].function.arguments)).not.toThrow();
      const sent = test.upstream.requestsTo('/v1/chat/completions').at(-1)!.body as { tools: unknown[]; tool_choice: unknown };
      expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    } finally {
      test.upstream.configure({ fixture: 'chat-text' });
    }
  });

  it('API-1 passes response_format json_schema through to an upstream', async () => {
    const format = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } };
    const response = await chat({ model: 'fake-model', messages: [{ role: 'user', content: 'json please' }], response_format: format });
    expect(response.statusCode).toBe(200);
    expect((test.upstream.requestsTo('/v1/chat/completions').at(-1)!.body as { response_format: unknown }).response_format).toEqual(format);
  });

  it('API-1 answers malformed JSON with 400 invalid_request_error and records nothing', async () => {
    const before = (await usageRows(test)).length;
    const response = await test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: { ...bearer(test.ownerKey), 'content-type': 'application/json' }, payload: '{"model": "fake-model", "messages": [' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ type: 'invalid_request_error', code: null });
    expect((await usageRows(test)).length).toBe(before);
  });

  it('API-1 answers schema violations with 400 and the parameter at fault', async () => {
    const response = await chat({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], temperature: 7 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param: 'temperature' });
    const missing = await chat({ model: 'fake-model' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.param).toBe('messages');
  });

  it('API-1 answers an unknown model with 404 model_not_found', async () => {
    const response = await chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
  });

  it('API-1 answers a missing or bad key with 401', async () => {
    const missing = await test.app.fastify.inject({ method: 'GET', url: '/v1/models' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.type).toBe('invalid_request_error');
    const bad = await test.app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer('sk-ch-not-a-real-key-at-all') });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_api_key');
    expect(bad.json().error.message).not.toContain('not-a-real-key-at-all');
  });

  it('API-2 rejects a prompt that cannot fit with 400 context_length_exceeded before any engine work', async () => {
    const generationsBefore = test.upstream.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
    const response = await chat({ model: 'fake-model', messages: [{ role: 'user', content: 'word '.repeat(400) }] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'context_length_exceeded', type: 'invalid_request_error' });
    const generationsAfter = test.upstream.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
    expect(generationsAfter).toBe(generationsBefore);
    const small = await chat({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 });
    expect(small.statusCode).toBe(400);
    expect(small.json().error.code).toBe('context_length_exceeded');
  });

  it('API-7 maps an upstream failure to 503 and records a failed usage record', async () => {
    test.upstream.configure({ failTimes: 1, status: 502 });
    const response = await chat({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.type).toBe('server_error');
    const row = (await usageRows(test)).find((record) => record.requestId === response.headers['x-request-id']);
    expect(row).toMatchObject({ status: 'failed', errorCode: 'engine_unavailable' });
  });

  it('API-1 lists models with their context window', async () => {
    const response = await test.app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(test.ownerKey) });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual([expect.objectContaining({ id: 'fake-model', object: 'model', context_window: 64, status: 'ready' })]);
    const one = await test.app.fastify.inject({ method: 'GET', url: '/v1/models/fake-model', headers: bearer(test.ownerKey) });
    expect(one.json().id).toBe('fake-model');
    const unknown = await test.app.fastify.inject({ method: 'GET', url: '/v1/models/org/unknown-model', headers: bearer(test.ownerKey) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('org/unknown-model');
  });

  it('API-1 serves legacy completions and embeddings', async () => {
    const completion = await test.app.fastify.inject({ method: 'POST', url: '/v1/completions', headers: bearer(test.ownerKey), payload: { model: 'fake-model', prompt: 'Once upon', max_tokens: 5 } });
    expect(completion.statusCode).toBe(200);
    expect(completion.json()).toMatchObject({ object: 'text_completion', choices: [expect.objectContaining({ index: 0 })] });
    const embeddings = await test.app.fastify.inject({ method: 'POST', url: '/v1/embeddings', headers: bearer(test.ownerKey), payload: { model: 'fake-model', input: ['a', 'b'] } });
    expect(embeddings.statusCode).toBe(200);
    const body = embeddings.json();
    expect(body.data).toHaveLength(2);
    expect(body.data[1].index).toBe(1);
    const base64 = await test.app.fastify.inject({ method: 'POST', url: '/v1/embeddings', headers: bearer(test.ownerKey), payload: { model: 'fake-model', input: 'a', encoding_format: 'base64' } });
    const bytes = Buffer.from(base64.json().data[0].embedding, 'base64');
    const vector = Array.from({ length: bytes.byteLength / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(vector).toHaveLength(body.data[0].embedding.length);
    vector.forEach((value, index) => expect(value).toBeCloseTo(body.data[0].embedding[index], 5));
  });

  it('OPS-3 logs carry request ids and never the prompt text', async () => {
    const marker = 'zebra-secret-prompt-4711';
    const response = await chat({ model: 'fake-model', messages: [{ role: 'user', content: marker }] });
    expect(response.statusCode).toBe(200);
    const logs = test.logs();
    expect(logs).toContain(String(response.headers['x-request-id']));
    expect(logs).not.toContain(marker);
    for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('API-3 streams text in many scripts without ever splitting a character, even when the upstream splits bytes', async () => {
    const text = '漢字かなカナ 한국어 العربية עברית हिन्दी ไทย Русский Ελληνικά é̀ 👩‍💻 🇯🇵🇫🇷 👍🏽';
    test.upstream.configure({ text, splitUtf8: true });
    try {
      const response = await chat({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'multilingual' }] });
      const { events } = parseSse(response.payload);
      const deltas = (events as Array<{ choices: Array<{ delta: { content?: string } }> }>).flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
      for (const delta of deltas) {
        expect(delta).not.toContain('\uFFFD');
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(delta)).toBe(false);
        expect(Buffer.from(delta, 'utf8').toString('utf8')).toBe(delta);
      }
      expect(deltas.join('')).toBe(text);
    } finally {
      test.upstream.configure({ text: undefined, splitUtf8: false });
    }
  });
});
