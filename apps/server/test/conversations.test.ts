import type { AddressInfo } from 'node:net';
import { testDialects } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified, type TestBrowser } from './browser-client.js';

interface StreamEvent {
  type: string;
  text?: string;
  user_message?: { id: string; content: string } | null;
  assistant_message_id?: string;
  message?: { id: string; content: string; status: string; ai_generated: boolean };
  error?: { code: string | null; message: string };
}

/** The events of an SSE reply answered through inject(). */
function events(body: string): StreamEvent[] {
  return body
    .split('\n\n')
    .map((block) => block.replace(/^data: ?/, ''))
    .filter((data) => data !== '' && data !== '[DONE]')
    .map((data) => JSON.parse(data) as StreamEvent);
}

describe.each(testDialects)('conversations on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect, { upstream: { text: 'Once upon a time there was a small robot who liked to read.' } });
  });
  afterAll(async () => {
    await test?.close();
  });
  const fastify = () => test.app.fastify;
  const person = () => registerVerified(fastify(), test.mail);
  const create = async (browser: TestBrowser) => (await browser.post('/api/v1/conversations', { model: 'fake-model' })).json<{ id: string }>().id;
  const ask = async (browser: TestBrowser, conversationId: string, content: string, parentId: string | null) => {
    const response = await browser.post(`/api/v1/conversations/${conversationId}/messages`, { content, parent_id: parentId, model: 'fake-model' });
    return { response, events: response.headers['content-type']?.toString().startsWith('text/event-stream') ? events(response.body) : [] };
  };
  const detail = async (browser: TestBrowser, conversationId: string) => (await browser.get(`/api/v1/conversations/${conversationId}`)).json<{ title: string; messages: Array<{ id: string; parent_id: string | null; role: string; content: string; status: string }>; current_path: string[] }>();

  it('CON-1 asks, streams the answer, stores both sealed, titles the conversation and labels the answer as AI-generated', async () => {
    const { browser, userId } = await person();
    const conversationId = await create(browser);
    const { response, events: stream } = await ask(browser, conversationId, 'Tell me a story about a robot', null);
    expect(response.statusCode).toBe(200);
    expect(stream[0]).toMatchObject({ type: 'start', user_message: { content: 'Tell me a story about a robot' } });
    expect(stream.filter((event) => event.type === 'delta').map((event) => event.text).join('')).toBe('Once upon a time there was a small robot who liked to read.');
    expect(stream.at(-1)).toMatchObject({ type: 'done', message: { status: 'complete', ai_generated: true, content: 'Once upon a time there was a small robot who liked to read.' } });

    const stored = await detail(browser, conversationId);
    expect(stored.title).toBe('Tell me a story about a robot');
    expect(stored.messages.map((message) => [message.role, message.status])).toEqual([['user', 'complete'], ['assistant', 'complete']]);
    expect(stored.current_path).toEqual(stored.messages.map((message) => message.id));
    // Sealed at rest (PRV-9): neither the question, the answer nor the title is in the rows.
    const rows = JSON.stringify([
      await test.database.db.selectFrom('conversation_messages').selectAll().where('conversation_id', '=', conversationId).execute(),
      await test.database.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).execute(),
    ]);
    expect(rows).not.toContain('robot');
    // Counted against the person's plan like any request: one usage record for the session user.
    await test.app.services.metering.flush();
    const usage = await test.database.db.selectFrom('usage_records').select(['user_id', 'api_key_id']).where('user_id', '=', userId).execute();
    expect(usage).toEqual([{ user_id: userId, api_key_id: null }]);
    expect(test.logs()).not.toContain('Tell me a story');
  });

  it('CON-1 edits a question and regenerates an answer as branches, and switches between them', async () => {
    const { browser } = await person();
    const conversationId = await create(browser);
    await ask(browser, conversationId, 'First question', null);
    let state = await detail(browser, conversationId);
    const [question, answer] = state.current_path;
    await ask(browser, conversationId, 'Follow-up', answer!);
    test.upstream.configure({ text: 'A different answer.' });
    const regenerated = await browser.post(`/api/v1/conversations/${conversationId}/messages/${question}/regenerate`, { model: 'fake-model' });
    expect(events(regenerated.body).at(-1)).toMatchObject({ type: 'done', message: { content: 'A different answer.' } });
    state = await detail(browser, conversationId);
    expect(state.messages.filter((message) => message.parent_id === question)).toHaveLength(2);
    expect(state.current_path).toHaveLength(2);
    // Edit the first question: a sibling question with its own answer.
    await ask(browser, conversationId, 'First question, edited', null);
    state = await detail(browser, conversationId);
    expect(state.messages.filter((message) => message.parent_id === null).map((message) => message.content)).toEqual(['First question', 'First question, edited']);
    // Back to the original branch: it lands on the newest leaf under it.
    const back = await browser.post(`/api/v1/conversations/${conversationId}/branch`, { message_id: question });
    expect(back.statusCode).toBe(200);
    expect(back.json().current_path[0]).toBe(question);
    expect(back.json().current_path.at(-1)).not.toBe(answer);
    test.upstream.configure({ text: 'Once upon a time there was a small robot who liked to read.' });
  });

  it('CON-1 lists newest first, searches titles and messages (CJK too), renames and deletes', async () => {
    const { browser } = await person();
    const first = await create(browser);
    await ask(browser, first, '关于量子计算的问题', null);
    const second = await create(browser);
    await ask(browser, second, 'Gardening tips', null);
    const list = (await browser.get('/api/v1/conversations')).json();
    expect(list.data.map((conversation: { id: string }) => conversation.id).slice(0, 2)).toEqual([second, first]);
    expect((await browser.get(`/api/v1/conversations?query=${encodeURIComponent('量子')}`)).json().data.map((conversation: { id: string }) => conversation.id)).toEqual([first]);
    expect((await browser.get('/api/v1/conversations?query=ROBOT')).json().data.map((conversation: { id: string }) => conversation.id).sort()).toEqual([first, second].sort());
    expect((await browser.get('/api/v1/conversations?query=nothing-like-this')).json().data).toEqual([]);
    const page = (await browser.get('/api/v1/conversations?limit=1')).json();
    expect(page.has_more).toBe(true);
    expect((await browser.get(`/api/v1/conversations?limit=1&after=${page.data[0].id}`)).json().data[0].id).toBe(first);
    const renamed = await browser.patch(`/api/v1/conversations/${first}`, { title: 'Quantum' });
    expect(renamed.json().title).toBe('Quantum');
    expect((await browser.patch(`/api/v1/conversations/${first}`, { title: '' })).statusCode).toBe(400);
    expect((await browser.request({ method: 'DELETE', url: `/api/v1/conversations/${first}` })).statusCode).toBe(204);
    expect((await browser.get(`/api/v1/conversations/${first}`)).statusCode).toBe(404);
    expect(await test.database.db.selectFrom('conversation_messages').select('id').where('conversation_id', '=', first).execute()).toEqual([]);
  });

  it('CON-1 a refused request stores nothing: unknown model, bad parent, empty text, no CSRF token', async () => {
    const { browser } = await person();
    const conversationId = await create(browser);
    const count = async () => (await test.database.db.selectFrom('conversation_messages').select('id').where('conversation_id', '=', conversationId).execute()).length;
    const unknown = await browser.post(`/api/v1/conversations/${conversationId}/messages`, { content: 'hi', parent_id: null, model: 'no-such-model' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('model_not_found');
    expect((await browser.post(`/api/v1/conversations/${conversationId}/messages`, { content: 'hi', parent_id: 'msg_nope', model: 'fake-model' })).statusCode).toBe(404);
    expect((await browser.post(`/api/v1/conversations/${conversationId}/messages`, { content: '   ', parent_id: null, model: 'fake-model' })).statusCode).toBe(400);
    expect((await browser.post(`/api/v1/conversations/${conversationId}/messages`, { content: 'hi', parent_id: null, model: 'fake-model' }, { withCsrf: false })).statusCode).toBe(403);
    expect(await count()).toBe(0);
  });

  it('CON-1 an answer the person stops is kept as far as it got, marked stopped', async () => {
    const { browser } = await person();
    const conversationId = await create(browser);
    test.upstream.configure({ text: 'word '.repeat(200), chunkDelayMs: 20 });
    await fastify().listen({ host: '127.0.0.1', port: 0 });
    const { port } = fastify().server.address() as AddressInfo;
    const controller = new AbortController();
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': browser.csrfToken! },
      body: JSON.stringify({ content: 'Keep talking', parent_id: null, model: 'fake-model' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('"type":"delta"')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await expect.poll(async () => (await detail(browser, conversationId)).messages.find((message) => message.role === 'assistant')?.status, { timeout: 10_000 }).toBe('stopped');
    const answer = (await detail(browser, conversationId)).messages.find((message) => message.role === 'assistant')!;
    expect(answer.content.length).toBeGreaterThan(0);
    expect(answer.content.length).toBeLessThan('word '.repeat(200).length);
    test.upstream.configure({ text: 'Once upon a time there was a small robot who liked to read.', chunkDelayMs: 0 });
  });

  it('CON-2 shares a snapshot anyone can read without an account, showing nothing of the owner, until revoked', async () => {
    const { browser, fields, userId } = await person();
    const conversationId = await create(browser);
    expect((await browser.post(`/api/v1/conversations/${conversationId}/shares`)).statusCode).toBe(400);
    await ask(browser, conversationId, 'What is a robot?', null);
    const share = (await browser.post(`/api/v1/conversations/${conversationId}/shares`)).json();
    expect(share.url).toMatch(/^http:\/\/charter\.test\/share\/[A-Za-z0-9_-]{40,}$/);
    const token = share.url.split('/share/')[1];
    await ask(browser, conversationId, 'A later, private question', (await detail(browser, conversationId)).current_path.at(-1)!);
    const shared = await fastify().inject({ method: 'GET', url: `/api/v1/public/shares/${token}` });
    expect(shared.statusCode).toBe(200);
    const body = shared.json();
    expect(body.messages.map((message: { role: string; ai_generated: boolean }) => [message.role, message.ai_generated])).toEqual([['user', false], ['assistant', true]]);
    expect(shared.body).not.toContain('private question');
    for (const secret of [fields.email, userId, fields.display_name, conversationId]) expect(shared.body).not.toContain(secret);
    expect((await browser.get('/api/v1/shares')).json().data.map((entry: { id: string }) => entry.id)).toContain(share.id);
    expect((await browser.post(`/api/v1/shares/${share.id}/revoke`)).statusCode).toBe(204);
    expect((await fastify().inject({ method: 'GET', url: `/api/v1/public/shares/${token}` })).statusCode).toBe(404);
    expect((await fastify().inject({ method: 'GET', url: '/api/v1/public/shares/not-a-real-token-at-all' })).statusCode).toBe(404);
  });

  it('CON-3 records thumbs up or down with a comment and a sealed snapshot of the conversation', async () => {
    const { browser, userId } = await person();
    const conversationId = await create(browser);
    await ask(browser, conversationId, 'Rate this answer', null);
    const [question, answer] = (await detail(browser, conversationId)).current_path;
    const url = `/api/v1/conversations/${conversationId}/messages/${answer}/feedback`;
    expect((await browser.request({ method: 'PUT', url, payload: { rating: 'sideways' } })).statusCode).toBe(400);
    expect((await browser.request({ method: 'PUT', url: `/api/v1/conversations/${conversationId}/messages/${question}/feedback`, payload: { rating: 'up' } })).statusCode).toBe(400);
    expect((await browser.request({ method: 'PUT', url, payload: { rating: 'up' } })).json()).toMatchObject({ rating: 'up', comment: null });
    const changed = await browser.request({ method: 'PUT', url, payload: { rating: 'down', comment: 'Too short' } });
    expect(changed.json()).toMatchObject({ rating: 'down', comment: 'Too short' });
    const rows = await test.database.db.selectFrom('message_feedback').selectAll().where('user_id', '=', userId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rating).toBe('down');
    expect(JSON.stringify(rows)).not.toContain('Too short');
    expect(JSON.stringify(rows)).not.toContain('Rate this answer');
  });

  it('CON-1 person A can neither read, change, answer in nor share B’s conversation', async () => {
    const alice = await person();
    const bob = await person();
    const conversationId = await create(bob.browser);
    await ask(bob.browser, conversationId, 'Bob only', null);
    const [, answer] = (await detail(bob.browser, conversationId)).current_path;
    const attempts = [
      alice.browser.get(`/api/v1/conversations/${conversationId}`),
      alice.browser.patch(`/api/v1/conversations/${conversationId}`, { title: 'mine now' }),
      alice.browser.request({ method: 'DELETE', url: `/api/v1/conversations/${conversationId}` }),
      alice.browser.post(`/api/v1/conversations/${conversationId}/messages`, { content: 'hi', parent_id: answer, model: 'fake-model' }),
      alice.browser.post(`/api/v1/conversations/${conversationId}/shares`),
      alice.browser.post(`/api/v1/conversations/${conversationId}/branch`, { message_id: answer }),
      alice.browser.request({ method: 'PUT', url: `/api/v1/conversations/${conversationId}/messages/${answer}/feedback`, payload: { rating: 'down' } }),
    ];
    for (const attempt of await Promise.all(attempts)) expect(attempt.statusCode).toBe(404);
    expect((await alice.browser.get('/api/v1/conversations?query=Bob')).json().data).toEqual([]);
    const share = (await bob.browser.post(`/api/v1/conversations/${conversationId}/shares`)).json();
    expect((await alice.browser.post(`/api/v1/shares/${share.id}/revoke`)).statusCode).toBe(404);
    expect((await alice.browser.get('/api/v1/shares')).json().data).toEqual([]);
    expect((await detail(bob.browser, conversationId)).title).toBe('Bob only');
  });
});
