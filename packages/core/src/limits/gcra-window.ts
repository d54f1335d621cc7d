/**
 * GCRA (generic cell rate algorithm) in its leaky-bucket form, in exact integer arithmetic.
 *
 * A window allows `limit` units per `periodMs`. Its state is a bucket level that drains continuously at
 * `limit` units per period. Admission adds the cost and succeeds when the level stays within the capacity, so
 * a full window can be spent in one burst and then refills evenly — no boundary at which fixed windows would
 * let twice the limit through, and one number of state per window instead of a log of timestamps.
 *
 * Levels are kept in units × period (a "scaled" level): draining `elapsedMs` removes `elapsedMs × limit`, one
 * unit is `periodMs`, and the capacity is `limit × periodMs`. Every step is an integer addition, subtraction or
 * multiplication below 2^53 (see `maxRateLimit`), so the in-memory store and the Redis Lua script (doubles)
 * compute identical, exact results.
 */

/** A window's stored state. */
export interface GcraWindowState {
  /** Bucket level in units × periodMs (never negative). */
  levelScaled: number;
  /** When the level was computed (epoch ms). */
  updatedAtMs: number;
}

/** A window's limit. */
export interface GcraWindowLimit {
  limit: number;
  periodMs: number;
}

/** What a window looks like to a client. */
export interface GcraWindowView {
  /** Units that could be taken now. */
  remaining: number;
  /** Time until the window is back to its full limit. */
  resetAfterMs: number;
}

/** The level at `nowMs` after draining since the last update. A clock that went backwards drains nothing. */
export function gcraLevelAt(state: GcraWindowState | undefined, window: GcraWindowLimit, nowMs: number): number {
  if (!state) return 0;
  const elapsedMs = Math.max(0, nowMs - state.updatedAtMs);
  return Math.max(0, state.levelScaled - elapsedMs * window.limit);
}

/** The outcome of trying to take `cost` units from a window at the level `levelScaled`. */
export type GcraTakeResult =
  | { isAdmitted: true; levelScaled: number }
  /** `retryAfterMs` is null when the cost exceeds the limit itself, so waiting cannot help. */
  | { isAdmitted: false; levelScaled: number; retryAfterMs: number | null };

/** Try to take `cost` units; on refusal the level is unchanged and `retryAfterMs` says when it would fit. */
export function gcraTake(levelScaled: number, window: GcraWindowLimit, cost: number): GcraTakeResult {
  if (cost > window.limit) return { isAdmitted: false, levelScaled, retryAfterMs: null };
  const capacity = window.limit * window.periodMs;
  const after = levelScaled + cost * window.periodMs;
  if (after <= capacity) return { isAdmitted: true, levelScaled: after };
  return { isAdmitted: false, levelScaled, retryAfterMs: Math.ceil((after - capacity) / window.limit) };
}

/** Give back `units` (a negative value charges more, e.g. when the real count exceeded the reservation). */
export function gcraReturn(levelScaled: number, window: GcraWindowLimit, units: number): number {
  return Math.max(0, levelScaled - units * window.periodMs);
}

/** Remaining units and time to a full window at a level. */
export function gcraView(levelScaled: number, window: GcraWindowLimit): GcraWindowView {
  const capacity = window.limit * window.periodMs;
  return {
    remaining: Math.max(0, Math.floor((capacity - levelScaled) / window.periodMs)),
    resetAfterMs: Math.ceil(levelScaled / window.limit),
  };
}
