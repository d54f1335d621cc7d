/**
 * Port: where rate-limit windows live. One `reserve` call admits a request through every window that applies
 * to it, atomically and all-or-nothing; `settle` gives back what was not used and frees concurrency slots.
 * Implementations: `InMemoryRateLimitStore` (one process), `RedisRateLimitStore` in `@charter/limits-redis`
 * (every node), and `ResilientRateLimitStore` (Redis with a policy for when it is down).
 */
export interface RateLimitStore {
  /**
   * Take `cost` from every window, or from none. Must be atomic with respect to every other `reserve` and
   * `settle` on the same keys, wherever they run.
   */
  reserve(request: RateLimitStoreReserveRequest): Promise<RateLimitStoreReserveResult>;
  /**
   * Give back units and free the concurrency slots of a reservation. Idempotent: a reservation is settled
   * at most once however often this is called (later calls change nothing).
   */
  settle(request: RateLimitStoreSettleRequest): Promise<void>;
  /** Resolves when the store answers; rejects when it does not (used to probe for recovery). */
  ping(): Promise<void>;
}

/** One window as the store sees it. */
export interface RateLimitStoreWindow {
  /** Key of the window, unique per subject and window kind within its partition, e.g. `key:key_abc:rpm`. */
  key: string;
  /** `rate`: a GCRA window of `limit` per `periodMs`; `concurrency`: at most `limit` leases at once. */
  type: 'rate' | 'concurrency';
  limit: number;
  /** The window's period; 0 for concurrency. */
  periodMs: number;
  /** Units this request takes (requests or tokens; 1 for a concurrency slot). */
  cost: number;
}

export interface RateLimitStoreReserveRequest {
  /** Random id; names the concurrency leases and the reservation's settle-once marker. */
  reservationId: string;
  /**
   * Every key of one reservation lives in this partition (the owner), so a sharded store can keep them on one
   * shard and stay atomic (in Redis: a `{hash tag}`).
   */
  partitionKey: string;
  windows: readonly RateLimitStoreWindow[];
  /** The caller's clock. A store may use its own clock instead (Redis does by default) and says so in `nowMs`. */
  nowMs: number;
  /** How long concurrency slots are held when a reservation is never settled (a crashed node). */
  leaseMs: number;
}

/** Per window, after the decision: what is left and when it is full again. */
export interface RateLimitStoreWindowState {
  remaining: number;
  resetAfterMs: number;
}

export type RateLimitStoreReserveResult =
  | {
      isAdmitted: true;
      /** The clock the store decided by. */
      nowMs: number;
      /** One state per requested window, in order, after taking. */
      windows: RateLimitStoreWindowState[];
      /** Opaque; passed back on settle so a composite store can route the settle to where it reserved. */
      storeTag: string | null;
    }
  | {
      isAdmitted: false;
      nowMs: number;
      /** One state per requested window, in order; nothing was taken. */
      windows: RateLimitStoreWindowState[];
      /** Index of the window that refused: the one that needs the longest wait. */
      refusedIndex: number;
      /**
       * When the refusing rate window would admit the request; null when it can never (cost above the limit)
       * or when a concurrency window refused (that depends on other requests finishing).
       */
      retryAfterMs: number | null;
    };

export interface RateLimitStoreSettleRequest {
  reservationId: string;
  partitionKey: string;
  /** The reserved windows with the units to give back (negative to charge more); concurrency slots are freed. */
  windows: ReadonlyArray<RateLimitStoreWindow & { returnUnits: number }>;
  nowMs: number;
  storeTag: string | null;
}
