import type { ApiKey } from '../api-keys/api-key.js';
import type { Membership, Organization, OrganizationInvitation, OrganizationMember, OrganizationMemberView } from './organization.js';
import type { OrganizationRole } from './organization-permissions.js';

/** Port: persistence of organisations, their members, invitations and the keys they own. */
export interface OrganizationRepository {
  /** Insert an organisation and its first owner atomically. */
  create(organization: Organization, owner: OrganizationMember): Promise<void>;
  /** The live organisations a user belongs to, with their role, oldest first. */
  listForUser(userId: string): Promise<Membership[]>;
  /** A user's membership of a live organisation; `undefined` for non-members and deleted organisations. Never cached. */
  findMembership(organizationId: string, userId: string): Promise<Membership | undefined>;
  /**
   * For an organisation API key: its organisation, its current holder and their role, read now (no cache).
   * `undefined` when the key is revoked, the organisation deleted, or the holder no longer a member.
   */
  findKeyHolder(apiKeyId: string): Promise<{ organizationId: string; userId: string; role: OrganizationRole } | undefined>;
  /** Members of an organisation, owners first, then by joining time. */
  listMembers(organizationId: string): Promise<OrganizationMemberView[]>;
  rename(organizationId: string, name: string, updatedAt: Date): Promise<void>;
  /** Keys of an organisation, newest first, revoked ones included; only `ownerUserId`'s when given. */
  listKeys(organizationId: string, ownerUserId?: string): Promise<ApiKey[]>;
  /** One key of an organisation, or `undefined` (also for keys of other organisations and personal keys). */
  findKey(organizationId: string, apiKeyId: string): Promise<ApiKey | undefined>;
  /** The invitation with this token hash, in any state, or `undefined`. */
  findInvitationByTokenHash(tokenHash: string): Promise<OrganizationInvitation | undefined>;
  /** Invitations of an organisation neither accepted, revoked nor expired at `now`, newest first. */
  listPendingInvitations(organizationId: string, now: Date): Promise<OrganizationInvitation[]>;
  /**
   * Run `work` as one transaction that first locks the organisation, so membership changes of one
   * organisation are serialised (two owners cannot demote each other into an ownerless organisation).
   * `work` must use only the unit it is given.
   */
  withOrganizationLocked<T>(organizationId: string, work: (unit: OrganizationUnitOfWork) => Promise<T>): Promise<T>;
}

/** The writes (and the reads they depend on) of one locked organisation, inside one transaction. */
export interface OrganizationUnitOfWork {
  /** The organisation when it exists and is not deleted. */
  organization(): Promise<Organization | undefined>;
  roleOf(userId: string): Promise<OrganizationRole | undefined>;
  countOwners(): Promise<number>;
  addMember(member: OrganizationMember): Promise<void>;
  setRole(userId: string, role: OrganizationRole): Promise<void>;
  removeMember(userId: string): Promise<void>;
  /** Give `toUserId` the active keys `fromUserId` holds for the organisation; returns them as they were. */
  transferKeys(fromUserId: string, toUserId: string): Promise<ApiKey[]>;
  /** Revoke the active keys of the organisation (only `ownerUserId`'s when given); returns them. */
  revokeKeys(revokedAt: Date, ownerUserId?: string): Promise<ApiKey[]>;
  /** Mark the organisation deleted, drop its members and revoke its pending invitations. */
  markDeleted(deletedAt: Date): Promise<void>;
  /** Revoke any pending invitation to the same address and insert this one. */
  replaceInvitation(invitation: OrganizationInvitation): Promise<void>;
  /** The invitation when it is pending (not accepted, revoked or expired at `now`). */
  findPendingInvitation(invitationId: string, now: Date): Promise<OrganizationInvitation | undefined>;
  /** Mark a pending invitation revoked; false when it was not pending. */
  revokeInvitation(invitationId: string, revokedAt: Date): Promise<boolean>;
  /** Mark a pending invitation accepted by `userId`; false when it was not pending (used, revoked, expired). */
  markInvitationAccepted(invitationId: string, userId: string, acceptedAt: Date): Promise<boolean>;
}
