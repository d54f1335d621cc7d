import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseWriter } from '../src/routes/openai/sse-writer.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server whose one response is driven by `handle`; returns the client's response, not yet read. */
async function serve(handle: (response: ServerResponse) => void): Promise<IncomingMessage> {
  server = createServer((_request, response) => handle(response));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => httpRequest({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject).end());
}

function readAll(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  response.on('data', (chunk: string) => (text += chunk));
  return new Promise((resolve) => response.on('end', () => resolve(text)));
}

describe('SseWriter', () => {
  it('API-1 joins the events of one burst into one write and ends with [DONE]', async () => {
    const writes: string[] = [];
    const response = await serve((raw) => {
      const write = raw.write.bind(raw) as (chunk: string) => boolean;
      raw.write = ((chunk: string) => {
        writes.push(chunk);
        return write(chunk);
      }) as ServerResponse['write'];
      const writer = new SseWriter(raw, {});
      for (let index = 0; index < 10; index++) expect(writer.data(JSON.stringify({ index }))).toBeUndefined();
      setTimeout(() => {
        void writer.data('{"index":10}');
        writer.end(true);
      }, 20);
    });
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const text = await readAll(response);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBe(Array.from({ length: 10 }, (_, index) => `data: {"index":${index}}\n\n`).join(''));
    expect(text).toBe(`${Array.from({ length: 11 }, (_, index) => `data: {"index":${index}}\n\n`).join('')}data: [DONE]\n\n`);
  });

  it('API-1 makes the producer wait while a slow client has not drained, and loses nothing', async () => {
    const event = JSON.stringify({ text: 'x'.repeat(64 * 1024) });
    let waits = 0;
    let produced = 0;
    const response = await serve((raw) => {
      const writer = new SseWriter(raw, {});
      void (async () => {
        for (; produced < 64; produced++) {
          const drained = writer.data(event);
          if (drained) {
            waits++;
            await drained;
          }
          // One event per turn of the loop, as a token-by-token engine produces them.
          await new Promise((resolve) => setImmediate(resolve));
        }
        writer.end(true);
      })();
    });
    // The client does not read at first: the producer must stop well short of the 4 MB it has to send.
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(produced).toBeLessThan(64);
    expect(waits).toBeGreaterThan(0);
    response.resume();
    const text = await readAll(response);
    expect(produced).toBe(64);
    expect(text).toBe(`${`data: ${event}\n\n`.repeat(64)}data: [DONE]\n\n`);
  });
});
