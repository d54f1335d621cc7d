import { describe, expect, it } from 'vitest';
import { assignableRoles, canManageMember, isAllowed, organizationRoles } from './organization-permissions.js';

// The pages hide what the server would refuse; these pin the mirror of core's table (docs/accounts.md).
describe('organisation actions offered per role', () => {
  it('ACC-7 only owners and admins manage members and invitations; only owners delete', () => {
    const allowed = (action: Parameters<typeof isAllowed>[1]) => organizationRoles.filter((role) => isAllowed(role, action));
    expect(allowed('members.invite')).toEqual(['owner', 'admin']);
    expect(allowed('members.change_role')).toEqual(['owner', 'admin']);
    expect(allowed('organization.update')).toEqual(['owner', 'admin']);
    expect(allowed('organization.delete')).toEqual(['owner']);
    expect(allowed('api_keys.create')).toEqual(['owner', 'admin', 'developer']);
  });

  it('ACC-7 only owners give the owner role or touch owners', () => {
    expect(assignableRoles('owner')).toContain('owner');
    expect(assignableRoles('admin')).toEqual(['admin', 'developer', 'billing', 'viewer']);
    expect(canManageMember('owner', 'owner')).toBe(true);
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'developer')).toBe(true);
    expect(canManageMember('developer', 'viewer')).toBe(false);
  });
});
