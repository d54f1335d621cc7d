import type { OrganizationRole } from '@charter/contracts';

/** Every role, most powerful first (the order of the role pickers). */
export const organizationRoles: readonly OrganizationRole[] = ['owner', 'admin', 'developer', 'billing', 'viewer'];

// The part of core's permission table (docs/accounts.md, "Roles and permissions") that decides which actions
// the pages offer. The server checks every call anyway; this only hides buttons that would be refused.
const allowedRoles = {
  'organization.update': ['owner', 'admin'],
  'organization.delete': ['owner'],
  'members.invite': ['owner', 'admin'],
  'members.remove': ['owner', 'admin'],
  'members.change_role': ['owner', 'admin'],
  'api_keys.create': ['owner', 'admin', 'developer'],
} as const satisfies Record<string, readonly OrganizationRole[]>;

export type OrganizationAction = keyof typeof allowedRoles;

export function isAllowed(role: OrganizationRole, action: OrganizationAction): boolean {
  return (allowedRoles[action] as readonly OrganizationRole[]).includes(role);
}

/** Roles I may give by invitation or role change: only owners make owners. */
export function assignableRoles(myRole: OrganizationRole): OrganizationRole[] {
  return organizationRoles.filter((role) => role !== 'owner' || myRole === 'owner');
}

/** Whether I may change the role of, or remove, a member holding `theirRole`: only owners touch owners. */
export function canManageMember(myRole: OrganizationRole, theirRole: OrganizationRole): boolean {
  return isAllowed(myRole, 'members.change_role') && (theirRole !== 'owner' || myRole === 'owner');
}
