import type { Principal } from '../accounts/principal.js';
import { type BillingOwner, billingOwnerKey } from './billing-owner.js';
import { rateLimitWindowDefinitions, rateLimitWindowKinds, unlimitedRateLimits, type RateLimits, type RateLimitWindowKind } from './rate-limits.js';

/** Whose windows a request is counted in: its API key's, or its owner's. */
export type RateLimitScope = 'key' | 'owner';

/** One party a request is counted against, with the limits that apply to it. */
export interface RateLimitSubject {
  scope: RateLimitScope;
  /** The API key id, or the owner key (`user:…`, `organization:…`, see `billingOwnerKey`). */
  id: string;
  limits: RateLimits;
}

/** A window as a client sees it after a decision (the data behind the `x-ratelimit-*` headers). */
export interface RateLimitWindowState {
  scope: RateLimitScope;
  subjectId: string;
  kind: RateLimitWindowKind;
  limit: number;
  /** Units left now (requests, tokens or concurrency slots). */
  remaining: number;
  /** When the window is back to its full limit (the store's clock; equals the decision time for concurrency). */
  resetAtMs: number;
}

/**
 * The subjects of a request: its API key (when it used one) and its owner. `keyLimits` are the key's own limits
 * (`ApiScopes.rateLimits`); a key without any gets the plan's, which makes it no subject of its own (below).
 *
 * Every request of a key is also counted in its owner's windows, in the same atomic step, so a key window whose
 * limit is no lower than the owner's same window can never refuse a request the owner's would admit. Only the
 * key's stricter limits are kept (each window is work in the store on every request); a key with none is no
 * subject at all.
 */
export function rateLimitSubjectsFor(principal: Principal, owner: BillingOwner, limits: RateLimits, keyLimits: RateLimits = principal.scopes.rateLimits ?? limits): RateLimitSubject[] {
  const subjects: RateLimitSubject[] = [];
  if (principal.apiKeyId !== null) {
    const stricter = limitsStricterThan(keyLimits, limits);
    if (stricter !== null) subjects.push({ scope: 'key', id: principal.apiKeyId, limits: stricter });
  }
  subjects.push({ scope: 'owner', id: billingOwnerKey(owner), limits });
  return subjects;
}

/** The limits of `own` that are lower than `enclosing`'s (or where it has none); null when there are none. */
function limitsStricterThan(own: RateLimits, enclosing: RateLimits): RateLimits | null {
  const stricter: RateLimits = { ...unlimitedRateLimits };
  let isAny = false;
  for (const kind of rateLimitWindowKinds) {
    const field = rateLimitWindowDefinitions[kind].limitField;
    const limit = own[field];
    const enclosingLimit = enclosing[field];
    if (limit !== null && (enclosingLimit === null || limit < enclosingLimit)) {
      stricter[field] = limit;
      isAny = true;
    }
  }
  return isAny ? stricter : null;
}
