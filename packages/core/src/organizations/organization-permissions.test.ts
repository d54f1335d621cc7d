import { describe, expect, it } from 'vitest';
import { isAllowed, membershipChangeRefusal, organizationActions, organizationPermissions, organizationRoles, type OrganizationRole } from './organization-permissions.js';

/** The table as text, one row per action: the same table docs/accounts.md shows. */
function renderTable(): string {
  const header = `| action | ${organizationRoles.join(' | ')} |`;
  const rule = `|---|${organizationRoles.map(() => ':-:').join('|')}|`;
  const rows = organizationActions.map((action) => `| ${action} | ${organizationRoles.map((role) => (isAllowed(role, action) ? '✓' : '')).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

describe('organization permissions', () => {
  it('ACC-7 the permission table of roles × actions', () => {
    const table = renderTable();
    console.log(`\n${table}\n`);
    expect(table).toMatchInlineSnapshot(`
      "| action | owner | admin | developer | billing | viewer |
      |---|:-:|:-:|:-:|:-:|:-:|
      | organization.read | ✓ | ✓ | ✓ | ✓ | ✓ |
      | organization.update | ✓ | ✓ |  |  |  |
      | organization.delete | ✓ |  |  |  |  |
      | members.read | ✓ | ✓ | ✓ | ✓ | ✓ |
      | members.invite | ✓ | ✓ |  |  |  |
      | members.remove | ✓ | ✓ |  |  |  |
      | members.change_role | ✓ | ✓ |  |  |  |
      | api_keys.create | ✓ | ✓ | ✓ |  |  |
      | api_keys.read_all | ✓ | ✓ |  |  |  |
      | api_keys.revoke_all | ✓ | ✓ |  |  |  |
      | models.use | ✓ | ✓ | ✓ |  |  |
      | usage.read | ✓ | ✓ | ✓ | ✓ | ✓ |
      | billing.read | ✓ | ✓ |  | ✓ |  |
      | billing.manage | ✓ |  |  | ✓ |  |"
    `);
  });

  it('ACC-7 the owner may do everything; every action is granted to the owner and to no unknown role', () => {
    for (const action of organizationActions) {
      expect(isAllowed('owner', action), action).toBe(true);
      for (const role of organizationPermissions[action]) expect(organizationRoles).toContain(role);
    }
    expect(Object.keys(organizationPermissions).sort()).toEqual([...organizationActions].sort());
  });

  it('ACC-7 at least one owner always: the last owner can neither leave, be removed nor be demoted', () => {
    expect(membershipChangeRefusal({ actorRole: 'owner', isSelf: true, fromRole: 'owner', toRole: null, ownerCount: 1 })).toBe('last_owner');
    expect(membershipChangeRefusal({ actorRole: 'owner', isSelf: true, fromRole: 'owner', toRole: 'admin', ownerCount: 1 })).toBe('last_owner');
    expect(membershipChangeRefusal({ actorRole: 'owner', isSelf: true, fromRole: 'owner', toRole: null, ownerCount: 2 })).toBeNull();
    expect(membershipChangeRefusal({ actorRole: 'owner', isSelf: false, fromRole: 'owner', toRole: 'viewer', ownerCount: 2 })).toBeNull();
  });

  it('ACC-7 only owners grant owner, and admins cannot remove or demote owners', () => {
    expect(membershipChangeRefusal({ actorRole: 'admin', isSelf: false, fromRole: null, toRole: 'owner', ownerCount: 1 })).toBe('only_owners_grant_owner');
    expect(membershipChangeRefusal({ actorRole: 'admin', isSelf: true, fromRole: 'admin', toRole: 'owner', ownerCount: 1 })).toBe('only_owners_grant_owner');
    expect(membershipChangeRefusal({ actorRole: 'admin', isSelf: false, fromRole: 'owner', toRole: null, ownerCount: 3 })).toBe('only_owners_change_owners');
    expect(membershipChangeRefusal({ actorRole: 'admin', isSelf: false, fromRole: 'owner', toRole: 'viewer', ownerCount: 3 })).toBe('only_owners_change_owners');
    expect(membershipChangeRefusal({ actorRole: 'owner', isSelf: false, fromRole: 'developer', toRole: 'owner', ownerCount: 1 })).toBeNull();
    expect(membershipChangeRefusal({ actorRole: 'admin', isSelf: false, fromRole: 'developer', toRole: 'admin', ownerCount: 1 })).toBeNull();
  });

  it('ACC-7 roles without member management cannot invite, remove or change roles, but anyone may leave', () => {
    const others: OrganizationRole[] = ['developer', 'billing', 'viewer'];
    for (const actorRole of others) {
      expect(membershipChangeRefusal({ actorRole, isSelf: false, fromRole: null, toRole: 'viewer', ownerCount: 1 })).toBe('not_permitted');
      expect(membershipChangeRefusal({ actorRole, isSelf: false, fromRole: 'viewer', toRole: null, ownerCount: 1 })).toBe('not_permitted');
      expect(membershipChangeRefusal({ actorRole, isSelf: false, fromRole: 'viewer', toRole: 'developer', ownerCount: 1 })).toBe('not_permitted');
      // Nobody promotes themselves.
      expect(membershipChangeRefusal({ actorRole, isSelf: true, fromRole: actorRole, toRole: 'admin', ownerCount: 1 })).toBe('not_permitted');
      expect(membershipChangeRefusal({ actorRole, isSelf: true, fromRole: actorRole, toRole: null, ownerCount: 1 })).toBeNull();
    }
  });
});
