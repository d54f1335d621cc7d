import { DeadlineExceeded } from '@charter/core';
import type { ServerResponse } from 'node:http';
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
 * cancelled) or when the server's deadline passes. A class with prototype methods: this runs for every request,
 * and closures made per request cost more than the work they do.
 */
class RequestLifecycle {
  readonly #controller = new AbortController();
  readonly #response: ServerResponse;
  readonly #inflight: InflightRequests;
  readonly #timer: NodeJS.Timeout;
  readonly signal: AbortSignal;

  constructor(response: ServerResponse, timeoutMs: number, inflight: InflightRequests) {
    this.#response = response;
    this.#inflight = inflight;
    this.signal = this.#controller.signal;
    this.#timer = setTimeout(abortAtDeadline, timeoutMs, this.#controller, timeoutMs);
    controllersByResponse.set(response, this.#controller);
    response.on('close', abortWhenClosedEarly);
    inflight.add(this.#controller);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#response.off('close', abortWhenClosedEarly);
    controllersByResponse.delete(this.#response);
    this.#inflight.delete(this.#controller);
  }
}

/** One listener for every response (none made per request); it finds its request's controller here. */
const controllersByResponse = new WeakMap<ServerResponse, AbortController>();

function abortWhenClosedEarly(this: ServerResponse): void {
  if (!this.writableFinished) controllersByResponse.get(this)?.abort(new Error('client closed the connection'));
}

function abortAtDeadline(controller: AbortController, timeoutMs: number): void {
  controller.abort(new DeadlineExceeded(timeoutMs));
}

export function createRequestSignal(reply: FastifyReply, timeoutMs: number, inflight: InflightRequests): { signal: AbortSignal; dispose(): void } {
  return new RequestLifecycle(reply.raw, timeoutMs, inflight);
}
