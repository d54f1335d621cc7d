import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';

describe('operations endpoints', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await test?.close();
  });

  it('API-9 /healthz and /readyz report the service, database and engines', async () => {
    const health = await test.app.fastify.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const ready = await test.app.fastify.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', 'engine:fake': 'ok' } });
  });

  it('OPS-3 /metrics exposes request counts, latency, time to first token, tokens and queue depth', async () => {
    const chat = await test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(test.ownerKey), payload: { model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] } });
    expect(chat.statusCode).toBe(200);
    await test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(test.ownerKey), payload: { model: 'nope', messages: [{ role: 'user', content: 'hi' }] } });
    const metrics = await test.app.fastify.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    const text = metrics.payload;
    expect(text).toMatch(/charter_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} [1-9]/);
    expect(text).toMatch(/charter_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/v1\/chat\/completions"\}/);
    expect(text).toMatch(/charter_time_to_first_token_seconds_count\{model="fake-model"\} [1-9]/);
    expect(text).toMatch(/charter_tokens_total\{model="fake-model",kind="completion"\} [1-9]/);
    expect(text).toMatch(/charter_engine_queue_depth\{engine="fake"\} 0/);
    expect(text).toMatch(/charter_errors_total\{code="model_not_found"\} 1/);
    // The unknown model's name is the client's: it never becomes a label value.
    expect(text).toMatch(/charter_inference_requests_total\{model="\(unknown\)",endpoint="chat.completions",status="failed"\} 1/);
    expect(text).not.toContain('"nope"');
  });

  it('API-8 serves an OpenAPI 3.1 document generated from the validation schemas, and a docs page', async () => {
    const document = (await test.app.fastify.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    for (const path of ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models', '/api/v1/keys', '/api/v1/keys/{key_id}/rotate']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const chatBody = document.paths['/v1/chat/completions'].post.requestBody.content['application/json'].schema;
    expect(chatBody.required).toEqual(expect.arrayContaining(['model', 'messages']));
    expect(chatBody.properties.temperature.anyOf).toContainEqual({ type: 'number', minimum: 0, maximum: 2 });
    const docs = await test.app.fastify.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('API-1 answers unknown URLs with an OpenAI-style 404', async () => {
    const response = await test.app.fastify.inject({ method: 'POST', url: '/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error' });
  });
});
