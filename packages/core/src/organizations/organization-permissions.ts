/** Roles a member of an organisation can hold (ACC-7). */
export const organizationRoles = ['owner', 'admin', 'developer', 'billing', 'viewer'] as const;
/** One role. */
export type OrganizationRole = (typeof organizationRoles)[number];

/**
 * Everything a member may be allowed to do in an organisation. Billing actions are defined before billing
 * exists, so the table is complete when it arrives.
 */
export const organizationActions = [
  'organization.read',
  'organization.update',
  'organization.delete',
  'members.read',
  'members.invite',
  'members.remove',
  'members.change_role',
  'api_keys.create',
  'api_keys.read_all',
  'api_keys.revoke_all',
  'models.use',
  'usage.read',
  'billing.read',
  'billing.manage',
] as const;
/** One action. */
export type OrganizationAction = (typeof organizationActions)[number];

/**
 * The permission table: which roles may take each action. Every organisation-scoped request is checked
 * against it (there is no other source of organisation permissions). Rules that depend on who is affected —
 * the last owner, granting owner, admins and owners — are in `assertMembershipChangeAllowed`.
 */
export const organizationPermissions: Readonly<Record<OrganizationAction, readonly OrganizationRole[]>> = {
  'organization.read': ['owner', 'admin', 'developer', 'billing', 'viewer'],
  'organization.update': ['owner', 'admin'],
  'organization.delete': ['owner'],
  'members.read': ['owner', 'admin', 'developer', 'billing', 'viewer'],
  'members.invite': ['owner', 'admin'],
  'members.remove': ['owner', 'admin'],
  'members.change_role': ['owner', 'admin'],
  'api_keys.create': ['owner', 'admin', 'developer'],
  'api_keys.read_all': ['owner', 'admin'],
  'api_keys.revoke_all': ['owner', 'admin'],
  'models.use': ['owner', 'admin', 'developer'],
  'usage.read': ['owner', 'admin', 'developer', 'billing', 'viewer'],
  'billing.read': ['owner', 'admin', 'billing'],
  'billing.manage': ['owner', 'billing'],
};

/** Whether a role may take an action. */
export function isAllowed(role: OrganizationRole, action: OrganizationAction): boolean {
  return organizationPermissions[action].includes(role);
}

/** Whether a value is one of the roles. */
export function isOrganizationRole(value: string): value is OrganizationRole {
  return (organizationRoles as readonly string[]).includes(value);
}

/** A change to someone's membership, as the rules see it. */
export interface MembershipChange {
  /** The role of the member making the change. */
  actorRole: OrganizationRole;
  /** Whether the member changes their own membership (leaving, stepping down). */
  isSelf: boolean;
  /** The target's current role; null when they are not a member yet (an invitation). */
  fromRole: OrganizationRole | null;
  /** The target's new role; null when they leave or are removed. */
  toRole: OrganizationRole | null;
  /** How many owners the organisation has now. */
  ownerCount: number;
}

/** Why a membership change is refused; `null` when it is allowed. */
export type MembershipChangeRefusal = 'not_permitted' | 'only_owners_grant_owner' | 'only_owners_change_owners' | 'last_owner' | null;

/**
 * The rules beyond the table: an organisation always keeps at least one owner (the last owner can neither
 * leave nor be demoted); only owners grant owner; only owners remove or demote owners (so admins cannot
 * take over). Anyone may leave, except the last owner.
 */
export function membershipChangeRefusal(change: MembershipChange): MembershipChangeRefusal {
  const { actorRole, isSelf, fromRole, toRole, ownerCount } = change;
  const isLeaving = isSelf && toRole === null;
  if (!isLeaving) {
    const action: OrganizationAction = fromRole === null ? 'members.invite' : toRole === null ? 'members.remove' : 'members.change_role';
    if (!isAllowed(actorRole, action)) return 'not_permitted';
  }
  if (toRole === 'owner' && fromRole !== 'owner' && actorRole !== 'owner') return 'only_owners_grant_owner';
  if (fromRole === 'owner' && toRole !== 'owner') {
    if (!isSelf && actorRole !== 'owner') return 'only_owners_change_owners';
    if (ownerCount <= 1) return 'last_owner';
  }
  return null;
}
