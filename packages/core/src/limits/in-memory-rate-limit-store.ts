import { type GcraWindowState, gcraLevelAt, gcraReturn, gcraTake, gcraView } from './gcra-window.js';
import type {
  RateLimitStore,
  RateLimitStoreReserveRequest,
  RateLimitStoreReserveResult,
  RateLimitStoreSettleRequest,
  RateLimitStoreWindowState,
} from './rate-limit-store.js';

/** Drained windows, free lease sets and expired markers are swept every this many reservations. */
const sweepEvery = 1024;

/**
 * `RateLimitStore` in this process's memory, for the embedded (single-node) mode and as the local fallback
 * while Redis is down. Each call runs synchronously to the end, so it is atomic within the process; it is
 * not shared between processes. Uses the caller's clock. The same arithmetic as the Redis script.
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  readonly #rates = new Map<string, GcraWindowState>();
  readonly #leases = new Map<string, Map<string, number>>();
  /** Reservations not yet settled, with the time their marker expires (settle-once guard). */
  readonly #markers = new Map<string, number>();
  #reservationsSinceSweep = 0;

  reserve(request: RateLimitStoreReserveRequest): Promise<RateLimitStoreReserveResult> {
    const nowMs = request.nowMs;
    if (++this.#reservationsSinceSweep >= sweepEvery) this.#sweep(nowMs);
    const levels: number[] = [];
    let refusedIndex = -1;
    let refusedRank = -1;
    let retryAfterMs: number | null = null;
    request.windows.forEach((window, index) => {
      const key = this.#key(request.partitionKey, window.key);
      if (window.type === 'rate') {
        const level = gcraLevelAt(this.#rates.get(key), window, nowMs);
        levels.push(level);
        const taken = gcraTake(level, window, window.cost);
        if (!taken.isAdmitted) {
          // The window needing the longest wait decides; one that can never fit outranks every wait.
          const rank = taken.retryAfterMs ?? Number.POSITIVE_INFINITY;
          if (rank > refusedRank) [refusedIndex, refusedRank, retryAfterMs] = [index, rank, taken.retryAfterMs];
        }
      } else {
        const used = this.#liveLeases(key, nowMs).size;
        levels.push(used);
        if (used + window.cost > window.limit && refusedRank < 0) [refusedIndex, refusedRank, retryAfterMs] = [index, 0, null];
      }
    });

    if (refusedIndex >= 0) {
      const windows = request.windows.map((window, index) => this.#state(window, levels[index]!));
      return Promise.resolve({ isAdmitted: false, nowMs, windows, refusedIndex, retryAfterMs });
    }

    const windows: RateLimitStoreWindowState[] = request.windows.map((window, index) => {
      const key = this.#key(request.partitionKey, window.key);
      const level = levels[index]!;
      if (window.type === 'rate') {
        const after = level + window.cost * window.periodMs;
        const previous = this.#rates.get(key);
        this.#rates.set(key, { levelScaled: after, updatedAtMs: Math.max(nowMs, previous?.updatedAtMs ?? nowMs) });
        return this.#state(window, after);
      }
      const leases = this.#liveLeases(key, nowMs);
      leases.set(request.reservationId, nowMs + request.leaseMs);
      this.#leases.set(key, leases);
      return this.#state(window, level + window.cost);
    });
    this.#markers.set(this.#key(request.partitionKey, request.reservationId), nowMs + request.leaseMs);
    return Promise.resolve({ isAdmitted: true, nowMs, windows, storeTag: null });
  }

  settle(request: RateLimitStoreSettleRequest): Promise<void> {
    const markerKey = this.#key(request.partitionKey, request.reservationId);
    const markerExpiresAtMs = this.#markers.get(markerKey);
    const isFirstSettle = markerExpiresAtMs !== undefined && markerExpiresAtMs > request.nowMs;
    this.#markers.delete(markerKey);
    for (const window of request.windows) {
      const key = this.#key(request.partitionKey, window.key);
      if (window.type === 'concurrency') {
        this.#leases.get(key)?.delete(request.reservationId);
      } else if (isFirstSettle && window.returnUnits !== 0) {
        const state = this.#rates.get(key);
        const level = gcraReturn(gcraLevelAt(state, window, request.nowMs), window, window.returnUnits);
        this.#rates.set(key, { levelScaled: level, updatedAtMs: Math.max(request.nowMs, state?.updatedAtMs ?? request.nowMs) });
      }
    }
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  #state(window: RateLimitStoreReserveRequest['windows'][number], level: number): RateLimitStoreWindowState {
    if (window.type === 'rate') return gcraView(level, window);
    return { remaining: Math.max(0, window.limit - level), resetAfterMs: 0 };
  }

  #liveLeases(key: string, nowMs: number): Map<string, number> {
    const leases = this.#leases.get(key) ?? new Map<string, number>();
    for (const [reservationId, expiresAtMs] of leases) if (expiresAtMs <= nowMs) leases.delete(reservationId);
    return leases;
  }

  #key(partitionKey: string, key: string): string {
    return `${partitionKey}\u0000${key}`;
  }

  // Keeps memory proportional to the windows in use, not to every key ever seen.
  #sweep(nowMs: number): void {
    this.#reservationsSinceSweep = 0;
    for (const [key, state] of this.#rates) {
      // A drained window is the same as a missing one. The limit is not stored, but every limit is at least 1,
      // so a scaled level drains by at least 1 per ms: after `levelScaled` ms the window is certainly empty.
      if (nowMs - state.updatedAtMs >= state.levelScaled) this.#rates.delete(key);
    }
    for (const [key, leases] of this.#leases) if (this.#liveLeases(key, nowMs).size === 0) this.#leases.delete(key);
    for (const [key, expiresAtMs] of this.#markers) if (expiresAtMs <= nowMs) this.#markers.delete(key);
  }
}
