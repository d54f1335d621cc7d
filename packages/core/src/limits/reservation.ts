import type { RateLimitStoreWindow } from './rate-limit-store.js';
import type { RateLimitWindowKind } from './rate-limits.js';
import type { RateLimitSubject, RateLimitWindowState } from './rate-limit-subject.js';

/** What a request asks the rate limiter for. */
export interface RateLimitReserveInput {
  /** Everyone the request is counted against (see `rateLimitSubjectsFor`). */
  subjects: readonly RateLimitSubject[];
  /** Requests this counts as in the request windows (default 1). */
  requestCost?: number;
  /** Tokens held in the token windows until settlement: prompt tokens plus the maximum output. */
  tokenCost: number;
  /** The caller's clock (default: the limiter's clock). The Redis store uses Redis's clock unless told otherwise. */
  nowMs?: number;
}

/** An admitted request's hold on its windows, until `settle` or `release`. */
export interface Reservation {
  id: string;
  /** The clock the store decided by. */
  decidedAtMs: number;
  requestCost: number;
  tokenCost: number;
  /** Every window after taking; the data behind the `x-ratelimit-*` headers. */
  windows: readonly RateLimitWindowState[];
  /** What the store took, to give back on settlement. */
  taken: readonly ReservedWindow[];
  partitionKey: string;
  /** Opaque token from the store, passed back on settlement. */
  storeTag: string | null;
}

/** A window a reservation took from. */
export interface ReservedWindow extends RateLimitStoreWindow {
  kind: RateLimitWindowKind;
}

/** A window that refused, with what the request asked of it. */
export interface RefusedRateLimitWindow extends RateLimitWindowState {
  /** Units the request asked for in this window. */
  requested: number;
}

/** Why a request was not admitted. Nothing was taken from any window. */
export interface RateLimitRefusal {
  decidedAtMs: number;
  /** The window needing the longest wait. */
  window: RefusedRateLimitWindow;
  /** Every window as it stands (nothing taken). */
  windows: readonly RateLimitWindowState[];
  /** How long to wait; null when waiting cannot help (`isRequestTooLarge`). */
  retryAfterMs: number | null;
  /** The request alone asks for more than the window's whole limit (e.g. max tokens above the TPM limit). */
  isRequestTooLarge: boolean;
}

/** The rate limiter's answer. */
export type RateLimitDecision = { isAdmitted: true; reservation: Reservation } | { isAdmitted: false; refusal: RateLimitRefusal };
