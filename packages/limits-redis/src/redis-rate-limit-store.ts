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
  /**
   * When queued settlements are sent on their own: `0` (default) at the next turn of the event loop, after the
   * responses of that turn were written, all settlements of the turn in one script per owner; more than 0, after
   * that many milliseconds (fewer commands, but a node's next reservation then carries them and waits for them).
   * A reservation always applies the settlements still queued for its owner first, in the same script.
   */
  settleDelayMs?: number;
}

/** A settlement waiting to be sent, in the script's layout, with the promise its caller awaits. */
interface QueuedSettlement {
  /** Its settle-once marker, then its window keys. */
  keys: string[];
  /** Reservation id, window count, then 4 per window. */
  args: string[];
  /** The caller's clock when it was made (used only with `clock: 'caller'`). */
  nowMs: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Settlements carried by one script at most: bounds the time Redis spends in one call. */
const maxSettlementsPerCall = 64;

/**
 * `RateLimitStore` on Redis, exact across any number of nodes: each reservation is one Lua script that reads
 * and writes every window of the request atomically (Redis runs a script to the end before any other
 * command), all-or-nothing; settlement is a second script, made idempotent by a per-reservation marker.
 * Scripts run by EVALSHA, falling back to EVAL (which also caches them) after a restart or SCRIPT FLUSH.
 * Every key of a reservation carries the owner as its `{hash tag}`, so it also works on Redis Cluster.
 * Rate keys expire once drained and lease sets once their newest lease ends, so Redis holds only live state.
 *
 * Settlements are queued per partition and sent at the next turn of the event loop, after the responses of that
 * turn went out (one script per owner for all of them), so a response never waits on a settle write; a
 * reservation made before they were sent applies them first in its own script. Either way they run in Redis in
 * the order they were made, so this node's next request always sees its earlier ones settled.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #isCallerClock: boolean;
  readonly #settleDelayMs: number;
  readonly #queued = new Map<string, QueuedSettlement[]>();
  #isFlushScheduled = false;
  /** Scripts sent and not yet answered. */
  #inFlight = 0;
  #isCorked = false;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#redis = options.redis;
    this.#keyPrefix = options.keyPrefix ?? 'charter:rl:';
    this.#isCallerClock = options.clock === 'caller';
    this.#settleDelayMs = options.settleDelayMs ?? 0;
  }

  /** Load both scripts now (optional: the first call loads them otherwise). */
  async load(): Promise<void> {
    await Promise.all([reserveScript, settleScript].map((script) => this.#redis.script('LOAD', script.source)));
  }

  async reserve(request: RateLimitStoreReserveRequest): Promise<RateLimitStoreReserveResult> {
    const settlements = this.#takeQueued(request.partitionKey);
    const keys = settlements.flatMap((settlement) => settlement.keys);
    const partition = this.#partitionPrefix(request.partitionKey);
    keys.push(`${partition}reservation:${request.reservationId}`);
    for (const window of request.windows) keys.push(partition + window.key);
    const args = [this.#clockArgument(request.nowMs), String(settlements.length)];
    for (const settlement of settlements) args.push(...settlement.args);
    args.push(request.reservationId, String(request.leaseMs));
    for (const window of request.windows) args.push(...windowArguments(window, window.cost));
    let rawReply: unknown;
    try {
      rawReply = await this.#run(reserveScript, keys, args);
    } catch (error) {
      for (const settlement of settlements) settlement.reject(error);
      throw error;
    }
    for (const settlement of settlements) settlement.resolve();
    const reply = toIntegers(rawReply, 4 + request.windows.length * 2);
    const [admitted, nowMs, refusedIndex, retryAfterMs] = reply as [number, number, number, number];
    const windows: RateLimitStoreWindowState[] = request.windows.map((_, index) => ({
      remaining: reply[4 + index * 2]!,
      resetAfterMs: reply[5 + index * 2]!,
    }));
    if (admitted === 1) return { isAdmitted: true, nowMs, windows, storeTag: null };
    return { isAdmitted: false, nowMs, windows, refusedIndex, retryAfterMs: retryAfterMs < 0 ? null : retryAfterMs };
  }

  /** Queued; resolves once Redis applied it (with the next reservation of its partition, or after `settleDelayMs`). */
  settle(request: RateLimitStoreSettleRequest): Promise<void> {
    const partition = this.#partitionPrefix(request.partitionKey);
    const keys = [`${partition}reservation:${request.reservationId}`];
    const args = [request.reservationId, String(request.windows.length)];
    for (const window of request.windows) {
      keys.push(partition + window.key);
      args.push(...windowArguments(window, window.returnUnits));
    }
    return new Promise<void>((resolve, reject) => {
      const queue = this.#queued.get(request.partitionKey);
      const settlement = { keys, args, nowMs: request.nowMs, resolve, reject };
      if (queue) queue.push(settlement);
      else this.#queued.set(request.partitionKey, [settlement]);
      if (!this.#isFlushScheduled) this.#scheduleFlush();
    });
  }

  /** Send every queued settlement now (shutdown calls this before closing the connection). Never rejects. */
  async flushSettlements(): Promise<void> {
    const calls: Promise<void>[] = [];
    for (const partitionKey of [...this.#queued.keys()]) {
      for (let settlements = this.#takeQueued(partitionKey); settlements.length > 0; settlements = this.#takeQueued(partitionKey)) {
        const keys = settlements.flatMap((settlement) => settlement.keys);
        const nowMs = Math.max(...settlements.map((settlement) => settlement.nowMs));
        const args = [this.#clockArgument(nowMs), String(settlements.length), ...settlements.flatMap((settlement) => settlement.args)];
        calls.push(
          this.#run(settleScript, keys, args).then(
            () => settlements.forEach((settlement) => settlement.resolve()),
            (error: unknown) => settlements.forEach((settlement) => settlement.reject(error)),
          ),
        );
      }
    }
    await Promise.all(calls);
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  #scheduleFlush(): void {
    this.#isFlushScheduled = true;
    const flush = () => {
      this.#isFlushScheduled = false;
      void this.flushSettlements();
    };
    if (this.#settleDelayMs === 0) setImmediate(flush);
    else setTimeout(flush, this.#settleDelayMs).unref();
  }

  /** Up to `maxSettlementsPerCall` of a partition's queued settlements, oldest first. */
  #takeQueued(partitionKey: string): QueuedSettlement[] {
    const queue = this.#queued.get(partitionKey);
    if (!queue) return [];
    if (queue.length <= maxSettlementsPerCall) {
      this.#queued.delete(partitionKey);
      return queue;
    }
    return queue.splice(0, maxSettlementsPerCall);
  }

  async #run(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    this.#coalesceWrites();
    this.#inFlight++;
    try {
      return await this.#redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return await this.#redis.eval(script.source, keys.length, ...keys, ...args);
    } finally {
      this.#inFlight--;
    }
  }

  /**
   * A script sent while earlier ones await their replies would queue behind them in Redis anyway: the socket is
   * corked until the end of this turn of the event loop, so every script of the turn leaves in one write (one
   * system call instead of one each, the largest per-request cost of the limiter under load). A script sent when
   * nothing is in flight (one request at a time) goes out at once.
   */
  #coalesceWrites(): void {
    if (this.#inFlight === 0 || this.#isCorked) return;
    const socket = this.#redis.stream;
    if (typeof socket?.cork !== 'function') return;
    this.#isCorked = true;
    socket.cork();
    setImmediate(() => {
      this.#isCorked = false;
      socket.uncork();
    });
  }

  #clockArgument(nowMs: number): string {
    return this.#isCallerClock ? String(nowMs) : '';
  }

  /** `<prefix>{<owner>}:`, the start of every key of one partition (the braces make it one cluster slot). */
  #partitionPrefix(partitionKey: string): string {
    return `${this.#keyPrefix}{${hashTag(partitionKey)}}:`;
  }
}

function windowArguments(window: RateLimitStoreWindow, units: number): string[] {
  return [window.type === 'rate' ? 'r' : 'c', String(window.limit), String(window.periodMs), String(units)];
}

// Braces would end the hash tag early and scatter one reservation's keys over several cluster slots.
function hashTag(partitionKey: string): string {
  return partitionKey.includes('{') || partitionKey.includes('}') ? partitionKey.replace(/[{}]/g, '_') : partitionKey;
}

function toIntegers(reply: unknown, expectedLength: number): number[] {
  if (!Array.isArray(reply) || reply.length !== expectedLength || !reply.every((value) => typeof value === 'number')) {
    throw new Error('Unexpected reply from the rate-limit script.');
  }
  return reply as number[];
}
