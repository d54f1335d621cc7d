import { TooManyAttemptsError } from '../errors.js';
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';

/** One bucket of attempts: at most `limit` per `periodMs`, refilled continuously (GCRA). */
export interface AttemptBucket {
  key: string;
  limit: number;
  periodMs: number;
}

/**
 * Throttles guesses at secrets (passwords, second-factor codes, email requests) through the rate-limit store,
 * so the limits hold across every node with Redis. Buckets refill continuously: nobody is ever locked out
 * for good, only slowed down.
 */
export class AttemptThrottle {
  readonly #store: RateLimitStore;
  readonly #clock: Clock;

  constructor(options: { store: RateLimitStore; clock: Clock }) {
    this.#store = options.store;
    this.#clock = options.clock;
  }

  /**
   * Take one attempt from each bucket in turn, or throw `too_many_attempts` at the first that is empty. Buckets
   * are separate reservations (each its own partition, so each can live on its own Redis shard); a refusal by a
   * later bucket still counts the attempt in the earlier ones, which only errs on the side of caution.
   */
  async take(buckets: readonly AttemptBucket[]): Promise<void> {
    for (const bucket of buckets) {
      const result = await this.#store.reserve({
        reservationId: newId('att'),
        partitionKey: `attempts:${bucket.key}`,
        windows: [{ key: 'attempts', type: 'rate', limit: bucket.limit, periodMs: bucket.periodMs, cost: 1 }],
        nowMs: this.#clock().getTime(),
        leaseMs: 0,
      });
      if (!result.isAdmitted) {
        const waitMs = result.retryAfterMs ?? bucket.periodMs;
        throw new TooManyAttemptsError(Math.max(1, Math.ceil(waitMs / 1000)));
      }
    }
  }
}
