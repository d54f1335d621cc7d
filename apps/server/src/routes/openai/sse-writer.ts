import type { ServerResponse } from 'node:http';

/** Writes Server-Sent Events with backpressure; the route owns what goes in them. */
export class SseWriter {
  readonly #response: ServerResponse;
  #isCorked = false;
  #hasWritten = false;

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
    // Events produced in one turn of the loop (one upstream read often carries many) go out in one write;
    // the first event goes out at once, so the time to first byte never waits for the loop to turn.
    if (this.#hasWritten && !this.#isCorked) {
      this.#isCorked = true;
      this.#response.cork();
      setImmediate(() => this.#uncork());
    }
    this.#hasWritten = true;
    if (!this.#response.write(`data: ${json}\n\n`)) {
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
    // Flush what is corked first: the last events must never wait on a loop turn that shutdown may not give.
    this.#uncork();
    if (this.isClosed) return;
    this.#response.end(withDone ? 'data: [DONE]\n\n' : undefined);
  }
}
