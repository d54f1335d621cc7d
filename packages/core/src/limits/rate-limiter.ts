import { InvalidRequestError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { RateLimitExceededError } from './rate-limit-errors.js';
import type { RateLimitStore, RateLimitStoreWindow } from './rate-limit-store.js';
import type { RateLimitSubject, RateLimitWindowState } from './rate-limit-subject.js';
import { maxRateLimit, rateLimitWindowDefinitions, rateLimitWindowKinds, type RateLimitWindowKind } from './rate-limits.js';
import type { RateLimitDecision, RateLimitReserveInput, Reservation } from './reservation.js';

export interface RateLimiterOptions {
  store: RateLimitStore;
  clock: Clock;
  /** Settlement failures are logged here (they happen after the response and must not fail it). */
  logger?: Logger;
  /**
   * How long a concurrency slot is held when its reservation is never settled (a node crashed mid-request).
   * Longer than the longest request; default 15 minutes.
   */
  leaseMs?: number;
  /** `Retry-After` given when a concurrency limit refuses (no clock says when a running request ends). */
  concurrencyRetryAfterMs?: number;
  /**
   * `claimHeadroom` says yes only when this node's last answer for every window of the request, at most
   * `headroomMaxAgeMs` old, left at least this fraction of the limit after the request's cost. Default 0.5.
   */
  headroomFraction?: number;
  /** Default 1000 ms. */
  headroomMaxAgeMs?: number;
}

/** What this node last heard about one window: units left and when (its own clock). */
interface WindowSighting {
  remaining: number;
  limit: number;
  seenAtMs: number;
}

/** Sightings beyond this many are dropped wholesale; they only decide whether work may start early. */
const maxSightings = 10_000;

/** Where a window of a subject sits in the store's request, to map the store's answer back. */
interface PlannedWindow {
  subject: RateLimitSubject;
  kind: RateLimitWindowKind;
  window: RateLimitStoreWindow;
}

/**
 * Rate limits per API key and per owner (API-5). One `reserve` admits a request through every window that
 * applies — requests per minute and per hour, tokens per minute, concurrency, for the key and for the owner —
 * in one atomic store operation, all-or-nothing. Tokens are held for prompt + maximum output and settled to the
 * real count afterwards; `release` gives everything back when the request failed before using anything.
 */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #leaseMs: number;
  readonly #concurrencyRetryAfterMs: number;
  /** Reservations already settled by this limiter, so a second settle/release is a no-op without I/O. */
  readonly #settled = new WeakSet<Reservation>();
  readonly #headroomFraction: number;
  readonly #headroomMaxAgeMs: number;
  /** The last state of each window key this node saw in a store answer. */
  readonly #sightings = new Map<string, WindowSighting>();

  constructor(options: RateLimiterOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#leaseMs = options.leaseMs ?? 15 * 60_000;
    this.#concurrencyRetryAfterMs = options.concurrencyRetryAfterMs ?? 1000;
    this.#headroomFraction = options.headroomFraction ?? 0.5;
    this.#headroomMaxAgeMs = options.headroomMaxAgeMs ?? 1000;
  }

  /**
   * Whether a reservation for this request is all but certain to be admitted, judged only from what this node
   * last heard from the store (no I/O): every window it would take from was seen recently with at least
   * `headroomFraction` of its limit left after this request's cost. A yes counts the request against what was
   * heard until the store answers, so a burst on this node stops getting yes once it could fill that room. Other
   * nodes may have used the room since, so this never replaces `reserve`; it lets a caller start work while the
   * reservation is in flight.
   */
  claimHeadroom(input: RateLimitReserveInput): boolean {
    const planned = planWindows(input.subjects, input.requestCost ?? 1, input.tokenCost);
    const nowMs = this.#clock().getTime();
    const sightings: WindowSighting[] = [];
    for (const { window } of planned) {
      const sighting = this.#sightings.get(window.key);
      if (!sighting || sighting.limit !== window.limit || nowMs - sighting.seenAtMs > this.#headroomMaxAgeMs) return false;
      if (sighting.remaining - window.cost < sighting.limit * this.#headroomFraction) return false;
      sightings.push(sighting);
    }
    planned.forEach(({ window }, index) => (sightings[index]!.remaining -= window.cost));
    return true;
  }

  #remember(planned: readonly PlannedWindow[], windows: readonly RateLimitWindowState[]): void {
    if (this.#sightings.size >= maxSightings) this.#sightings.clear();
    const seenAtMs = this.#clock().getTime();
    for (let index = 0; index < planned.length; index++) {
      const state = windows[index]!;
      this.#sightings.set(planned[index]!.window.key, { remaining: state.remaining, limit: state.limit, seenAtMs });
    }
  }

  /** Admit or refuse; never throws for a refusal (see `admit`). Throws when the store fails and its policy says so. */
  async reserve(input: RateLimitReserveInput): Promise<RateLimitDecision> {
    const requestCost = input.requestCost ?? 1;
    const tokenCost = input.tokenCost;
    assertCost(requestCost, 'requestCost');
    assertCost(tokenCost, 'tokenCost');
    const nowMs = input.nowMs ?? this.#clock().getTime();
    const planned = planWindows(input.subjects, requestCost, tokenCost);
    const id = newId('rl');
    const partitionKey = (input.subjects.find((subject) => subject.scope === 'owner') ?? input.subjects[0])?.id ?? 'none';
    if (planned.length === 0) {
      // Nothing limits this request: no store round trip.
      return { isAdmitted: true, reservation: { id, decidedAtMs: nowMs, requestCost, tokenCost, windows: [], taken: [], partitionKey, storeTag: null } };
    }

    const result = await this.#store.reserve({ reservationId: id, partitionKey, windows: planned.map((entry) => entry.window), nowMs, leaseMs: this.#leaseMs });
    const windows = planned.map((entry, index): RateLimitWindowState => {
      const state = result.windows[index];
      if (!state) throw new Error('The rate-limit store answered with fewer windows than it was asked for.');
      return {
        scope: entry.subject.scope,
        subjectId: entry.subject.id,
        kind: entry.kind,
        limit: entry.window.limit,
        remaining: state.remaining,
        resetAtMs: result.nowMs + state.resetAfterMs,
      };
    });
    this.#remember(planned, windows);
    if (result.isAdmitted) {
      const taken = planned.map((entry) => ({ ...entry.window, kind: entry.kind }));
      return { isAdmitted: true, reservation: { id, decidedAtMs: result.nowMs, requestCost, tokenCost, windows, taken, partitionKey, storeTag: result.storeTag } };
    }
    const refused = planned[result.refusedIndex];
    const refusedState = windows[result.refusedIndex];
    if (!refused || !refusedState) throw new Error('The rate-limit store named a refusing window it was not asked about.');
    const isConcurrency = refused.window.type === 'concurrency';
    const isRequestTooLarge = refused.window.cost > refused.window.limit;
    const retryAfterMs = isRequestTooLarge ? null : isConcurrency ? this.#concurrencyRetryAfterMs : result.retryAfterMs;
    return {
      isAdmitted: false,
      refusal: { decidedAtMs: result.nowMs, window: { ...refusedState, requested: refused.window.cost }, windows, retryAfterMs, isRequestTooLarge },
    };
  }

  /** Admit, or throw `RateLimitExceededError` (429 with `Retry-After` and the `x-ratelimit-*` values). */
  async admit(input: RateLimitReserveInput): Promise<Reservation> {
    const decision = await this.reserve(input);
    if (!decision.isAdmitted) throw new RateLimitExceededError(decision.refusal);
    return decision.reservation;
  }

  /**
   * The request finished having used `actualTokens` (prompt + completion): unused tokens go back to the token
   * windows (more than reserved are charged), concurrency slots are freed. Idempotent. Store failures are
   * logged, not thrown: settlement runs after the response and must not fail it.
   */
  async settle(reservation: Reservation, actualTokens: number): Promise<void> {
    assertCost(actualTokens, 'actualTokens');
    return this.#finish(reservation, reservation.tokenCost - actualTokens);
  }

  /** The request failed before using anything: every reserved token comes back and concurrency is freed. */
  release(reservation: Reservation): Promise<void> {
    return this.#finish(reservation, reservation.tokenCost);
  }

  async #finish(reservation: Reservation, returnedTokens: number): Promise<void> {
    if (this.#settled.has(reservation)) return;
    this.#settled.add(reservation);
    if (reservation.taken.length === 0) return;
    // Fields listed, not rest-spread: object rest is a slow runtime call, and this runs for every request.
    const windows = reservation.taken.map((window) => ({
      key: window.key,
      type: window.type,
      limit: window.limit,
      periodMs: window.periodMs,
      cost: window.cost,
      // Only token windows are adjusted; a request counts once whatever happened to it.
      returnUnits: window.kind === 'tokens_per_minute' ? returnedTokens : 0,
    }));
    try {
      await this.#store.settle({
        reservationId: reservation.id,
        partitionKey: reservation.partitionKey,
        windows,
        nowMs: this.#clock().getTime(),
        storeTag: reservation.storeTag,
      });
    } catch (error) {
      // The leases expire by themselves; unreturned tokens only make the limit briefly stricter.
      this.#logger?.warn({ err: error, reservationId: reservation.id }, 'rate-limit reservation could not be settled');
    }
  }
}

function planWindows(subjects: readonly RateLimitSubject[], requestCost: number, tokenCost: number): PlannedWindow[] {
  const planned: PlannedWindow[] = [];
  const seen = new Set<string>();
  for (const subject of subjects) {
    for (const kind of rateLimitWindowKinds) {
      const definition = rateLimitWindowDefinitions[kind];
      const limit = subject.limits[definition.limitField];
      if (limit === null) continue;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxRateLimit) {
        // Plans are validated when saved; this guards hand-built limits, which would break the exact arithmetic.
        throw new RangeError(`Rate limit ${definition.limitField} of ${subject.scope} ${subject.id} must be an integer from 1 to ${maxRateLimit}.`);
      }
      const key = `${subject.scope}:${subject.id}:${definition.keySuffix}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cost = definition.unit === 'tokens' ? tokenCost : definition.unit === 'requests' ? requestCost : 1;
      planned.push({ subject, kind, window: { key, type: definition.unit === 'concurrency' ? 'concurrency' : 'rate', limit, periodMs: definition.periodMs, cost } });
    }
  }
  return planned;
}

function assertCost(value: number, param: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidRequestError(`${param} must be a non-negative integer.`, param);
}
