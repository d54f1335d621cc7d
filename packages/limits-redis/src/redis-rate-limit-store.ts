import type {
  RateLimitStore,
  RateLimitStoreReserveRequest,
  RateLimitStoreReserveResult,
  RateLimitStoreSettleRequest,
  RateLimitStoreWindow,
  RateLimitStoreWindowState,
} from '@charter/core';
import type { Redis } from 'ioredis';
import { type LuaScript, reserveScript, settleScript } from './rate-limit-scripts.js';

export interface RedisRateLimitStoreOptions {
  /** A connected client. For fail-fast behaviour give it `enableOfflineQueue: false` (see operations docs). */
  redis: Redis;
  /** Prefix of every key (default `charter:rl:`), so several installations can share one Redis. */
  keyPrefix?: string;
  /**
   * Whose clock decides the windows. `redis` (default): Redis's own TIME inside the script, so nodes with
   * skewed clocks still share one timeline. `caller`: the `nowMs` of each request (deterministic tests).
   */
  clock?: 'redis' | 'caller';
}

/**
 * `RateLimitStore` on Redis, exact across any number of nodes: each reservation is one Lua script that reads
 * and writes every window of the request atomically (Redis runs a script to the end before any other
 * command), all-or-nothing; settlement is a second script, made idempotent by a per-reservation marker.
 * Scripts run by EVALSHA, falling back to EVAL (which also caches them) after a restart or SCRIPT FLUSH.
 * Every key of a reservation carries the owner as its `{hash tag}`, so it also works on Redis Cluster.
 * Rate keys expire once drained and lease sets once their newest lease ends, so Redis holds only live state.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #isCallerClock: boolean;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#redis = options.redis;
    this.#keyPrefix = options.keyPrefix ?? 'charter:rl:';
    this.#isCallerClock = options.clock === 'caller';
  }

  /** Load both scripts now (optional: the first call loads them otherwise). */
  async load(): Promise<void> {
    await Promise.all([reserveScript, settleScript].map((script) => this.#redis.script('LOAD', script.source)));
  }

  async reserve(request: RateLimitStoreReserveRequest): Promise<RateLimitStoreReserveResult> {
    const keys = [this.#markerKey(request.partitionKey, request.reservationId), ...request.windows.map((window) => this.#windowKey(request.partitionKey, window))];
    const args = [this.#clockArgument(request.nowMs), request.reservationId, String(request.leaseMs), ...request.windows.flatMap((window) => windowArguments(window, window.cost))];
    const reply = toIntegers(await this.#run(reserveScript, keys, args), 4 + request.windows.length * 2);
    const [admitted, nowMs, refusedIndex, retryAfterMs] = reply as [number, number, number, number];
    const windows: RateLimitStoreWindowState[] = request.windows.map((_, index) => ({
      remaining: reply[4 + index * 2]!,
      resetAfterMs: reply[5 + index * 2]!,
    }));
    if (admitted === 1) return { isAdmitted: true, nowMs, windows, storeTag: null };
    return { isAdmitted: false, nowMs, windows, refusedIndex, retryAfterMs: retryAfterMs < 0 ? null : retryAfterMs };
  }

  async settle(request: RateLimitStoreSettleRequest): Promise<void> {
    const keys = [this.#markerKey(request.partitionKey, request.reservationId), ...request.windows.map((window) => this.#windowKey(request.partitionKey, window))];
    const args = [this.#clockArgument(request.nowMs), request.reservationId, ...request.windows.flatMap((window) => windowArguments(window, window.returnUnits))];
    await this.#run(settleScript, keys, args);
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async #run(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.#redis.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  #clockArgument(nowMs: number): string {
    return this.#isCallerClock ? String(nowMs) : '';
  }

  #windowKey(partitionKey: string, window: RateLimitStoreWindow): string {
    return `${this.#keyPrefix}{${hashTag(partitionKey)}}:${window.key}`;
  }

  #markerKey(partitionKey: string, reservationId: string): string {
    return `${this.#keyPrefix}{${hashTag(partitionKey)}}:reservation:${reservationId}`;
  }
}

function windowArguments(window: RateLimitStoreWindow, units: number): string[] {
  return [window.type === 'rate' ? 'r' : 'c', String(window.limit), String(window.periodMs), String(units)];
}

// Braces would end the hash tag early and scatter one reservation's keys over several cluster slots.
function hashTag(partitionKey: string): string {
  return partitionKey.replace(/[{}]/g, '_');
}

function toIntegers(reply: unknown, expectedLength: number): number[] {
  if (!Array.isArray(reply) || reply.length !== expectedLength || !reply.every((value) => typeof value === 'number')) {
    throw new Error('Unexpected reply from the rate-limit script.');
  }
  return reply as number[];
}
