/**
 * Bridges node-llama-cpp's callbacks (which fire while `generateResponse` runs) to an async iterator the
 * consumer pulls from. A failure wins over buffered items so an abort surfaces at the next pull instead
 * of after the backlog is drained.
 */
export class EventChannel<T> {
  readonly #items: T[] = [];
  #waiter: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  #failure: { error: unknown } | undefined;
  #isEnded = false;

  push(item: T): void {
    if (this.#isEnded || this.#failure) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** No more items will come; the iterator ends after the buffered ones. */
  end(): void {
    if (this.#isEnded) return;
    this.#isEnded = true;
    const waiter = this.#waiter;
    if (waiter && this.#items.length === 0) {
      this.#waiter = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
  }

  /** The next pull rejects with `error`, whatever is buffered. The first failure wins. */
  fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = { error };
    this.#items.length = 0;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
    if (this.#isEnded) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }
}
