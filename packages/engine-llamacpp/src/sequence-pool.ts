import { EngineFailure } from '@charter/engine-spec';

/** A slot handed out by {@link SequencePool.acquire}; give it back exactly once with `release`. */
export interface SequenceLease<T> {
  readonly resource: T;
  release(): void;
}

interface Waiter<T> {
  resolve(lease: SequenceLease<T>): void;
  reject(error: unknown): void;
  detach(): void;
}

/**
 * A fixed set of slots (context sequences) shared by concurrent requests. A request takes a free slot;
 * when all are busy it waits in a FIFO queue bounded by `maxQueue`, and beyond that it is refused with
 * `overloaded` so callers can shed load instead of queuing without limit.
 */
export class SequencePool<T> {
  readonly #free: T[];
  readonly #waiters: Waiter<T>[] = [];
  readonly #maxQueue: number;
  #activeCount = 0;
  #closedError: EngineFailure | undefined;

  constructor(resources: readonly T[], options: { maxQueue: number }) {
    if (resources.length === 0) throw new Error('A sequence pool needs at least one resource.');
    this.#free = [...resources];
    this.#maxQueue = Math.max(0, Math.floor(options.maxQueue));
  }

  /** Requests holding a slot. */
  get activeCount(): number {
    return this.#activeCount;
  }

  /** Requests waiting for a slot. */
  get queueDepth(): number {
    return this.#waiters.length;
  }

  /**
   * Take a free slot, waiting in line when none is free. Rejects with `aborted` when the signal fires
   * (the waiter leaves the queue), `overloaded` when the queue is full, and the close error after close.
   */
  acquire(signal: AbortSignal): Promise<SequenceLease<T>> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    if (signal.aborted) return Promise.reject(abortedFailure(signal));
    const resource = this.#free.shift();
    if (resource !== undefined) return Promise.resolve(this.#lease(resource));
    if (this.#waiters.length >= this.#maxQueue) {
      return Promise.reject(
        new EngineFailure('overloaded', `All ${this.#activeCount} generation slots are busy and ${this.#waiters.length} requests are already waiting; try again shortly.`),
      );
    }
    return new Promise<SequenceLease<T>>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(abortedFailure(signal));
      };
      const waiter: Waiter<T> = {
        resolve,
        reject,
        detach: () => signal.removeEventListener('abort', onAbort),
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Refuse new requests and reject everyone waiting with `error`. Leases already out stay valid until released. */
  close(error: EngineFailure): void {
    this.#closedError = error;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.detach();
      waiter.reject(error);
    }
  }

  #lease(resource: T): SequenceLease<T> {
    this.#activeCount += 1;
    let isReleased = false;
    return {
      resource,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        this.#activeCount -= 1;
        this.#handOver(resource);
      },
    };
  }

  #handOver(resource: T): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#free.push(resource);
      return;
    }
    waiter.detach();
    waiter.resolve(this.#lease(resource));
  }
}

function abortedFailure(signal: AbortSignal): EngineFailure {
  return new EngineFailure('aborted', 'The request was aborted before generation started.', { cause: signal.reason });
}
