import type { Principal } from '../accounts/principal.js';

/** The kinds of account a plan, its limits and its quota apply to. */
export const billingOwnerTypes = ['user', 'organization'] as const;
/** One kind of account. */
export type BillingOwnerType = (typeof billingOwnerTypes)[number];

/** The account (a user or an organisation) that plans, rate limits and quotas are counted against. */
export interface BillingOwner {
  ownerType: BillingOwnerType;
  ownerId: string;
}

/**
 * The account a request is counted against: the organisation it acts for, else the user. An organisation's
 * members therefore share the organisation's plan, limits and quota.
 */
export function billingOwnerOf(principal: Principal): BillingOwner {
  return principal.organizationId === null
    ? { ownerType: 'user', ownerId: principal.userId }
    : { ownerType: 'organization', ownerId: principal.organizationId };
}

/** A stable text form of an owner, e.g. `user:abc`, for map keys and rate-limit keys. */
export function billingOwnerKey(owner: BillingOwner): string {
  return `${owner.ownerType}:${owner.ownerId}`;
}
