import type { OrganizationRole } from './organization-permissions.js';

/** An organisation (ACC-7): it owns API keys, usage and (later) bills; people act for it as members. */
export interface Organization {
  id: string;
  name: string;
  createdByUserId: string;
  createdAt: Date;
  updatedAt: Date;
  /** Set when an owner deleted it: its keys are revoked, its members gone, its usage kept for billing. */
  deletedAt: Date | null;
}

/** A person's place in an organisation. */
export interface OrganizationMember {
  organizationId: string;
  userId: string;
  role: OrganizationRole;
  joinedAt: Date;
}

/** A member as listed to other members. */
export interface OrganizationMemberView extends OrganizationMember {
  email: string | null;
  displayName: string;
}

/** An organisation together with the caller's role in it. */
export interface Membership {
  organization: Organization;
  role: OrganizationRole;
}

/**
 * An invitation by email. Only the hash of its token is stored; the token travels once, in the email. It is
 * pending until accepted, revoked, replaced by a newer invitation to the same address, or expired.
 */
export interface OrganizationInvitation {
  id: string;
  organizationId: string;
  /** Lower-cased address; only a signed-in person with this verified address can accept. */
  email: string;
  role: OrganizationRole;
  tokenHash: string;
  invitedByUserId: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedByUserId: string | null;
  revokedAt: Date | null;
}

/** What becomes of the organisation keys of a member who leaves or is removed. */
export type MemberKeyDisposition = { kind: 'revoke' } | { kind: 'transfer'; toUserId: string };
