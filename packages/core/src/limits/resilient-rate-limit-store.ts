import type { Logger } from '../shared/logger.js';
import { RateLimitUnavailableError } from './rate-limit-errors.js';
import type {
  RateLimitStore,
  RateLimitStoreReserveRequest,
  RateLimitStoreReserveResult,
  RateLimitStoreSettleRequest,
} from './rate-limit-store.js';

/**
 * What to do while the shared store is unreachable:
 * - `fail_closed`: refuse every request with 503 `service_unavailable` (no request runs unlimited);
 * - `fail_open_local`: keep serving under the same limits enforced per node in memory (the cluster as a
 *   whole may then admit up to nodes × limit).
 */
export type RateLimitFailurePolicy = 'fail_closed' | 'fail_open_local';

/** `redis`: the shared store answers; `degraded`: it does not, and the policy applies. */
export type RateLimitStoreState = 'redis' | 'degraded';

export interface RateLimitStoreStateChange {
  state: RateLimitStoreState;
  policy: RateLimitFailurePolicy;
  /** The failure that degraded the store; absent on recovery. */
  error?: unknown;
}

export interface ResilientRateLimitStoreOptions {
  /** The shared store (Redis). */
  primary: RateLimitStore;
  /** Used under `fail_open_local`; usually an `InMemoryRateLimitStore`. */
  fallback: RateLimitStore;
  policy: RateLimitFailurePolicy;
  /** A primary call slower than this counts as a failure (default 50 ms): a stalled Redis must not stall requests. */
  commandTimeoutMs?: number;
  /** How often a degraded store pings the primary to recover (default 1 s). */
  probeIntervalMs?: number;
  /** Called on every change of state, for logs and metrics. */
  onStateChange?: (change: RateLimitStoreStateChange) => void;
  logger?: Logger;
}

const localTag = 'resilient:local';

class StoreTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The rate-limit store did not answer within ${timeoutMs} ms.`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * A shared rate-limit store with a failure policy (API-5 fail-safe). The first failing or slow call switches
 * to `degraded`; from then on requests go straight to the policy (no waiting on a dead store), and a probe
 * pings the primary every `probeIntervalMs` (an unref'd timer) until it answers, then switches back.
 */
export class ResilientRateLimitStore implements RateLimitStore {
  readonly #primary: RateLimitStore;
  readonly #fallback: RateLimitStore;
  readonly #policy: RateLimitFailurePolicy;
  readonly #commandTimeoutMs: number;
  readonly #probeIntervalMs: number;
  readonly #onStateChange: (change: RateLimitStoreStateChange) => void;
  readonly #logger: Logger | undefined;
  #state: RateLimitStoreState = 'redis';
  #probeTimer: NodeJS.Timeout | undefined;
  #isProbing = false;
  #isClosed = false;

  constructor(options: ResilientRateLimitStoreOptions) {
    this.#primary = options.primary;
    this.#fallback = options.fallback;
    this.#policy = options.policy;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 50;
    this.#probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.#onStateChange = options.onStateChange ?? (() => {});
    this.#logger = options.logger;
  }

  get state(): RateLimitStoreState {
    return this.#state;
  }

  get policy(): RateLimitFailurePolicy {
    return this.#policy;
  }

  async reserve(request: RateLimitStoreReserveRequest): Promise<RateLimitStoreReserveResult> {
    if (this.#state === 'redis') {
      try {
        return await this.#withTimeout(this.#primary.reserve(request));
      } catch (error) {
        this.#degrade(error);
        if (error instanceof StoreTimeoutError) this.#releaseLate(request);
      }
    }
    if (this.#policy === 'fail_closed') throw new RateLimitUnavailableError();
    const result = await this.#fallback.reserve(request);
    return result.isAdmitted ? { ...result, storeTag: localTag } : result;
  }

  async settle(request: RateLimitStoreSettleRequest): Promise<void> {
    if (request.storeTag === localTag) return this.#fallback.settle({ ...request, storeTag: null });
    // Tried even while degraded: after a short blip this frees the slots at once instead of at lease expiry.
    try {
      await this.#withTimeout(this.#primary.settle(request));
    } catch (error) {
      this.#degrade(error);
      throw error;
    }
  }

  /** Answers while degraded too: the wrapper itself keeps serving under its policy. */
  ping(): Promise<void> {
    return this.#state === 'redis' || this.#policy === 'fail_open_local' ? Promise.resolve() : Promise.reject(new RateLimitUnavailableError());
  }

  /** Stop probing (the primary's connection is closed by whoever opened it). */
  close(): void {
    this.#isClosed = true;
    if (this.#probeTimer) clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  #degrade(error: unknown): void {
    if (this.#state === 'degraded' || this.#isClosed) return;
    this.#state = 'degraded';
    this.#logger?.error({ err: error, policy: this.#policy }, 'rate-limit store unreachable; limits now follow the failure policy');
    this.#notify({ state: 'degraded', policy: this.#policy, error });
    this.#probeTimer = setInterval(() => void this.#probe(), this.#probeIntervalMs);
    this.#probeTimer.unref();
  }

  async #probe(): Promise<void> {
    if (this.#isProbing || this.#state === 'redis') return;
    this.#isProbing = true;
    try {
      await this.#withTimeout(this.#primary.ping());
      if (this.#isClosed) return;
      clearInterval(this.#probeTimer);
      this.#probeTimer = undefined;
      this.#state = 'redis';
      this.#logger?.info({ policy: this.#policy }, 'rate-limit store reachable again; shared limits restored');
      this.#notify({ state: 'redis', policy: this.#policy });
    } catch {
      // Still down; the next tick tries again.
    } finally {
      this.#isProbing = false;
    }
  }

  // A timed-out reserve may still run on the primary later; settle it right away so its holds do not linger.
  // Commands on one connection run in order, so this settle cannot overtake the late reserve.
  #releaseLate(request: RateLimitStoreReserveRequest): void {
    const windows = request.windows.map((window) => ({ ...window, returnUnits: window.cost }));
    this.#primary
      .settle({ reservationId: request.reservationId, partitionKey: request.partitionKey, windows, nowMs: request.nowMs, storeTag: null })
      .catch(() => {});
  }

  #notify(change: RateLimitStoreStateChange): void {
    try {
      this.#onStateChange(change);
    } catch (error) {
      this.#logger?.warn({ err: error }, 'rate-limit state listener failed');
    }
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // Timers run before I/O callbacks in Node's loop: when this process itself was busy past the deadline,
      // an answer that did arrive in time would lose to the timer. setImmediate lets pending I/O go first, so
      // only a store that really did not answer counts as a failure.
      const timer = setTimeout(() => setImmediate(() => reject(new StoreTimeoutError(this.#commandTimeoutMs))), this.#commandTimeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
