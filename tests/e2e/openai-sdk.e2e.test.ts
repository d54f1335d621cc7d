import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCharter, type StartedCharter } from './start-charter.js';

const model = 'stories260K';

describe('the official openai package against a started server with the embedded llama.cpp engine', () => {
  let charter: StartedCharter;
  let client: OpenAI;
  beforeAll(async () => {
    charter = await startCharter();
    client = new OpenAI({ baseURL: `${charter.baseUrl}/v1`, apiKey: charter.apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    const code = await charter?.stop();
    expect(code).toBe(0);
  });

  it('API-1 lists the embedded model', async () => {
    const models = await client.models.list();
    expect(models.data.map((entry) => entry.id)).toEqual([model]);
  });

  it('API-1 creates a chat completion', async () => {
    const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 12, temperature: 0 });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeLessThanOrEqual(12);
  });

  it('API-1 streams a chat completion with usage', async () => {
    const stream = await client.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell a story' }], max_tokens: 16 });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finishReason).toMatch(/^(stop|length)$/);
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
  });

  it('API-1 forces a tool call with valid JSON arguments', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      // Closed value sets keep the tiny model's arguments short; the grammar still has to produce the JSON.
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', enum: ['Paris', 'Berlin', 'Tokyo'] }, unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 128,
      temperature: 0,
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as { city: unknown; unit: unknown };
    expect(['Paris', 'Berlin', 'Tokyo']).toContain(args.city);
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
  });

  it('API-1 enforces a json_schema response format with a grammar', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Describe a cat' }],
      // Closed value sets: the tiny model would otherwise write free-text strings until max_tokens cuts them.
      response_format: { type: 'json_schema', json_schema: { name: 'cat', strict: true, schema: { type: 'object', properties: { colour: { type: 'string', enum: ['black', 'white', 'ginger'] }, size: { enum: ['small', 'large'] }, friendly: { type: 'boolean' } }, required: ['colour', 'size', 'friendly'], additionalProperties: false } } },
      max_tokens: 96,
      temperature: 0,
    });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const parsed = JSON.parse(completion.choices[0]!.message.content!) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['colour', 'friendly', 'size']);
    expect(['black', 'white', 'ginger']).toContain(parsed.colour);
    expect(typeof parsed.friendly).toBe('boolean');
  });

  it('API-1 serves embeddings and legacy completions', async () => {
    const embeddings = await client.embeddings.create({ model, input: ['a cat', 'a dog'] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]!.embedding.length).toBeGreaterThan(0);
    const completion = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 8 });
    expect(completion.choices[0]!.text.length).toBeGreaterThan(0);
  });

  it('API-1 reports errors in OpenAI form through the SDK', async () => {
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const badKey = new OpenAI({ baseURL: `${charter.baseUrl}/v1`, apiKey: 'sk-ch-wrong', maxRetries: 0 });
    await expect(badKey.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], temperature: 9 })).rejects.toMatchObject({ status: 400, param: 'temperature' });
    await expect(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], max_tokens: 1_000_000 })).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it('API-7 aborting a stream cancels the generation and the server keeps serving', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'A very long story' }], max_tokens: 1500 }, { signal: controller.signal });
    let chunks = 0;
    try {
      for await (const _chunk of stream) {
        if (++chunks === 3) controller.abort();
      }
    } catch (error) {
      expect((error as Error).name).toMatch(/Abort/);
    }
    expect(chunks).toBe(3);
    const metricsUrl = `${charter.baseUrl}/metrics`;
    let cancelled = 0;
    for (let attempt = 0; attempt < 50 && cancelled === 0; attempt++) {
      const text = await (await fetch(metricsUrl)).text();
      cancelled = Number(/charter_inference_requests_total\{model="stories260K",endpoint="chat.completions",status="cancelled"\} (\d+)/.exec(text)?.[1] ?? 0);
      if (cancelled === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(cancelled).toBeGreaterThanOrEqual(1);
    const after = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
    expect(after.choices[0]!.message.content).toBeDefined();
  });
});
