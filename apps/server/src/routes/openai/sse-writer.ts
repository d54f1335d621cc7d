import type { ServerResponse } from 'node:http';

/** Writes Server-Sent Events with backpressure; the route owns what goes in them. */
export class SseWriter {
  readonly #response: ServerResponse;
  /** Events of the current burst, not yet written. */
  #pending = '';
  #isFlushScheduled = false;
  /** The last write filled the socket's buffer: the next event waits for it to drain. */
  #isBlocked = false;
  readonly #flushAfterBurst = (): void => this.#flush();

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

  get isClosed(): boolean {
    return this.#response.destroyed || this.#response.writableEnded;
  }

  /**
   * Send one `data:` event (already-serialised JSON). Returns a promise only when the client reads slowly and
   * the caller must wait; otherwise nothing, so a stream of events costs no promise per event.
   *
   * Events produced in one burst (the headers with the first event, or the many events of one upstream read) are
   * joined and go out in one write: a tick queued from the burst's first event runs once the microtask queue has
   * drained, before any other I/O callback, so the burst is complete and the first byte waits for nothing else.
   */
  data(json: string): Promise<void> | undefined {
    if (this.isClosed) return undefined;
    this.#pending += `data: ${json}\n\n`;
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      process.nextTick(this.#flushAfterBurst);
    }
    return this.#isBlocked ? this.#drained() : undefined;
  }

  end(withDone: boolean): void {
    // What is pending goes out with the end of the response, in one write; nothing waits for the tick.
    const last = withDone ? `${this.#pending}data: [DONE]\n\n` : this.#pending;
    this.#pending = '';
    if (this.isClosed) return;
    this.#response.end(last === '' ? undefined : last);
  }

  #flush(): void {
    this.#isFlushScheduled = false;
    if (this.#pending === '' || this.isClosed) return;
    const chunk = this.#pending;
    this.#pending = '';
    if (!this.#response.write(chunk)) this.#isBlocked = true;
  }

  #drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.#isBlocked = false;
        this.#response.off('drain', done);
        this.#response.off('close', done);
        resolve();
      };
      this.#response.on('drain', done);
      this.#response.on('close', done);
    });
  }
}
