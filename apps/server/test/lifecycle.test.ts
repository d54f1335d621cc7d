import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';

async function listen(test: TestApp): Promise<string> {
  await test.app.fastify.listen({ host: '127.0.0.1', port: 0 });
  const address = test.app.fastify.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (condition()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

const chatBody = (stream: boolean) => JSON.stringify({ model: 'fake-model', stream, messages: [{ role: 'user', content: 'tell me a story' }] });

describe('request lifecycle', () => {
  let test: TestApp | undefined;
  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  async function disconnectMidStream(current: TestApp, base: string, requestId: string): Promise<void> {
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json', 'x-request-id': requestId } }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.end(chatBody(true));
    });
    await waitFor(() => current.upstream.requests.some((request) => request.path.endsWith('/chat/completions') && request.isAborted));
    // The record is made when the cancelled generation has unwound, a moment after the upstream saw the abort.
    await vi.waitFor(async () => {
      await current.app.services.metering.flush();
      const rows = await current.app.services.metering.listByUser({ userId: current.app.owner.id, from: new Date(0), to: new Date(Date.now() + 1000) });
      expect(rows.find((record) => record.requestId === requestId)).toMatchObject({ status: 'cancelled', errorCode: null });
    }, { timeout: 5000, interval: 50 });
  }

  it('API-7 a client that disconnects cancels the engine work and is metered as cancelled (BIL-3)', async () => {
    test = await startTestApp('sqlite', { upstream: { chunkDelayMs: 200, text: 'a long story '.repeat(40) } });
    await disconnectMidStream(test, await listen(test), 'req_disconnect_test');
  });

  it('API-7 the same when the engine was started while the rate-limit reservation was in flight (limits.overlapAdmission)', async () => {
    test = await startTestApp('sqlite', { upstream: { chunkDelayMs: 200, text: 'a long story '.repeat(40) } });
    expect(test.app.limits).toBeDefined();
    const base = await listen(test);
    // A first request lets this node see the owner's windows with room to spare: the next one starts its engine early.
    test.upstream.configure({ chunkDelayMs: 0 });
    const first = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(test.ownerKey), 'content-type': 'application/json' }, body: chatBody(false) });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-requests')).not.toBeNull();
    test.upstream.configure({ chunkDelayMs: 200 });
    await disconnectMidStream(test, base, 'req_disconnect_overlapped');
  });

  it('BIL-3 a stream is metered as finished when its last event is ready: a reader slow over it, or gone after it, changes neither latency nor status', async () => {
    test = await startTestApp('sqlite');
    const current = test;
    const principal = { userId: current.app.owner.id, organizationId: null, apiKeyId: null, sessionId: null, scopes: { models: null, endpoints: null, rateLimits: null } };
    const readUntilFinish = async (requestId: string) => {
      const generation = await current.app.services.inference.startChat(
        { model: 'fake-model', messages: [{ role: 'user', content: 'tell me a story' }] },
        { requestId, principal, signal: new AbortController().signal, isStreamed: true },
      );
      const events = generation[Symbol.asyncIterator]();
      for (let next = await events.next(); !next.done && next.value.type !== 'finish'; next = await events.next());
      return events;
    };
    const slowReader = await readUntilFinish('req_slow_last_read');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await slowReader.next()).done).toBe(true);
    const leaver = await readUntilFinish('req_left_after_finish');
    await leaver.return?.(undefined);

    await vi.waitFor(async () => {
      await current.app.services.metering.flush();
      const rows = await current.app.services.metering.listByUser({ userId: current.app.owner.id, from: new Date(0), to: new Date(Date.now() + 1000) });
      const slow = rows.find((record) => record.requestId === 'req_slow_last_read');
      const left = rows.find((record) => record.requestId === 'req_left_after_finish');
      expect(slow).toMatchObject({ status: 'succeeded', errorCode: null });
      expect(slow!.latencyMs).toBeLessThan(1_000);
      expect(left).toMatchObject({ status: 'succeeded', errorCode: null });
      expect(left!.completionTokens).toBeGreaterThan(0);
    }, { timeout: 5000, interval: 50 });
  });

  it('API-9 graceful shutdown lets a running stream finish and flushes every usage record (BIL-3)', async () => {
    test = await startTestApp('sqlite', { upstream: { chunkDelayMs: 30 } });
    const base = await listen(test);
    const current = test;
    const requests = 5;
    for (let index = 0; index < requests; index++) {
      const response = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json' }, body: chatBody(false) });
      expect(response.status).toBe(200);
    }
    expect(current.app.services.metering.pendingCount).toBe(requests);
    const streaming = fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json' }, body: chatBody(true) }).then((response) => response.text());
    await waitFor(() => current.upstream.requests.filter((request) => request.path.endsWith('/chat/completions')).length === requests + 1);
    const closing = current.app.close(10_000);
    const payload = await streaming;
    expect(payload.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await closing;
    const { openDatabase, SqlUsageRepository } = await import('@charter/storage');
    const reopened = await openDatabase({ url: current.database.url });
    const rows = await new SqlUsageRepository(reopened.db).listByUser({ userId: current.app.owner.id, from: new Date(0), to: new Date(Date.now() + 1000) });
    await reopened.close();
    expect(rows.filter((row) => row.status === 'succeeded')).toHaveLength(requests + 1);
  });

  it('API-9 streams still running at the end of the grace period end with an error event', async () => {
    test = await startTestApp('sqlite', { upstream: { chunkDelayMs: 300, text: 'slow '.repeat(200) } });
    const base = await listen(test);
    const current = test;
    const response = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json' }, body: chatBody(true) });
    // The stream is running (its first event arrived) when the shutdown starts; the case of a request still waiting
    // for the engine is the test below.
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let payload = decoder.decode((await reader.read()).value, { stream: true });
    expect(payload).toContain('data: ');
    const closing = current.app.close(300);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) payload += decoder.decode(chunk.value, { stream: true });
    await closing;
    expect(payload).toContain('"error"');
    expect(payload).not.toContain('[DONE]');
  });

  it('API-9 a request still waiting for the engine when the grace period ends gets 503, retryable', async () => {
    test = await startTestApp('sqlite', { upstream: { hangBeforeHeadersMs: 10_000 } });
    const current = test;
    const answer = current.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json' }, payload: chatBody(true) });
    await waitFor(() => current.upstream.requests.some((request) => request.path.endsWith('/chat/completions')));
    await current.app.close(300);
    const response = await answer;
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'engine_unavailable', type: 'server_error' });
  });

  it('API-1 a stuck upstream ends in 504 timeout when the request deadline passes', async () => {
    test = await startTestApp('sqlite', { upstream: { hangBeforeHeadersMs: 5000 }, config: { server: { requestTimeoutMs: 300 } } });
    const response = await test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: { ...bearer(test.ownerKey), 'content-type': 'application/json' }, payload: chatBody(false) });
    expect(response.statusCode).toBe(504);
    expect(response.json().error).toMatchObject({ type: 'timeout', code: 'engine_timeout' });
  });

  it('API-1 an overloaded engine answers 503 with OpenAI\'s message', async () => {
    test = await startTestApp('sqlite', { upstream: { chunkDelayMs: 200 }, engine: { maxConcurrent: 1 } });
    const base = await listen(test);
    const current = test;
    const first = fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json' }, body: chatBody(false) });
    await waitFor(() => current.upstream.requests.some((request) => request.path.endsWith('/chat/completions')));
    const second = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { ...bearer(current.ownerKey), 'content-type': 'application/json' }, body: chatBody(false) });
    expect(second.status).toBe(503);
    expect(((await second.json()) as { error: { message: string } }).error.message).toContain('overloaded');
    expect((await first).status).toBe(200);
  });
});
