import { DeadlineExceeded } from '@charter/core';
import type { FastifyReply } from 'fastify';

/** Requests in flight, so shutdown can wait for them and then cut the stragglers. */
export class InflightRequests {
  readonly #controllers = new Set<AbortController>();
  #drained: (() => void) | undefined;

  get size(): number {
    return this.#controllers.size;
  }

  add(controller: AbortController): void {
    this.#controllers.add(controller);
  }

  delete(controller: AbortController): void {
    this.#controllers.delete(controller);
    if (this.#controllers.size === 0) this.#drained?.();
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`, whichever comes first. */
  async waitUntilDrained(timeoutMs: number): Promise<boolean> {
    if (this.#controllers.size === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#drained = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  abortAll(reason: unknown): void {
    for (const controller of this.#controllers) controller.abort(reason);
  }
}

/**
 * The signal of one inference request: aborted when the client disconnects (API-7: the engine work is
 * cancelled) or when the server's deadline passes.
 */
export function createRequestSignal(reply: FastifyReply, timeoutMs: number, inflight: InflightRequests): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(timeoutMs)), timeoutMs);
  const response = reply.raw;
  const onClose = () => {
    if (!response.writableFinished) controller.abort(new Error('client closed the connection'));
  };
  response.on('close', onClose);
  inflight.add(controller);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      response.off('close', onClose);
      inflight.delete(controller);
    },
  };
}
