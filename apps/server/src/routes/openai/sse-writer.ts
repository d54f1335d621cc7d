import type { ServerResponse } from 'node:http';

/** Writes Server-Sent Events with backpressure; the route owns what goes in them. */
export class SseWriter {
  readonly #response: ServerResponse;
  #isCorked = false;
  readonly #uncorkAfterBurst = (): void => this.#uncork();

  constructor(response: ServerResponse, headers: Record<string, string>) {
    this.#response = response;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
  }

  #uncork(): void {
    if (!this.#isCorked) return;
    this.#isCorked = false;
    this.#response.uncork();
  }

  get isClosed(): boolean {
    return this.#response.destroyed || this.#response.writableEnded;
  }

  /** Send one `data:` event (already-serialised JSON); waits when the client reads slowly. */
  async data(json: string): Promise<void> {
    if (this.isClosed) return;
    // Events produced in one burst (the headers with the first event, or the many events of one upstream read)
    // go out in one write. A tick queued from the first event's microtask runs once the microtask queue has
    // drained, before any other I/O callback: the burst is complete, and the first byte waits for nothing else.
    if (!this.#isCorked) {
      this.#isCorked = true;
      this.#response.cork();
      process.nextTick(this.#uncorkAfterBurst);
    }
    if (!this.#response.write(`data: ${json}\n\n`)) {
      this.#uncork();
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#response.off('drain', done);
          this.#response.off('close', done);
          resolve();
        };
        this.#response.on('drain', done);
        this.#response.on('close', done);
      });
    }
  }

  end(withDone: boolean): void {
    // `end` flushes what is corked together with the last bytes, in one write; nothing waits for the tick.
    const wasCorked = this.#isCorked;
    this.#isCorked = false;
    if (!this.isClosed) this.#response.end(withDone ? 'data: [DONE]\n\n' : undefined);
    else if (wasCorked) this.#response.uncork();
  }
}
