import type { StaffRole } from './user.js';

/** Staff actions that exist now (ADM-6); new staff tools add theirs here and to the table below. */
export const staffPermissions = ['users.read', 'users.change_status', 'profiles.verify', 'plans.manage'] as const;
export type StaffPermission = (typeof staffPermissions)[number];

/**
 * What each staff role may do, least privilege first. Support reads accounts and verifies customer profiles
 * (it talks to customers); moderators enforce account states; billing manages plans; the data-protection
 * officer reads accounts; superadmin does everything, and alone may change the state of another staff member.
 */
export const staffRolePermissions: Readonly<Record<StaffRole, readonly StaffPermission[]>> = {
  support: ['users.read', 'profiles.verify'],
  moderator: ['users.read', 'users.change_status'],
  billing: ['users.read', 'plans.manage'],
  data_protection_officer: ['users.read'],
  superadmin: staffPermissions,
};

/** Whether a staff role (or none) grants a permission. */
export function hasStaffPermission(role: StaffRole | null, permission: StaffPermission): boolean {
  return role !== null && staffRolePermissions[role].includes(permission);
}
