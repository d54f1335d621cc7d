import { SqlUserRepository } from '@charter/storage';
import { createTestDatabase, type TestDatabase } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountAccess } from './account-access.js';
import { AdminAccessPolicy } from './admin-access-policy.js';
import type { ApiEndpoint, Principal } from './principal.js';
import { sessionScopes } from './principal.js';
import { hasStaffPermission, staffPermissions, staffRolePermissions } from './staff-permissions.js';
import { newUserRecord, staffRoles, type StaffRole, type User } from './user.js';

const keyPrincipal = (userId: string, endpoints: ApiEndpoint[] | null): Principal => ({ userId, organizationId: null, apiKeyId: 'key_1', sessionId: null, scopes: { models: null, endpoints, rateLimits: null } });
const sessionPrincipal = (userId: string): Principal => ({ userId, organizationId: null, apiKeyId: null, sessionId: 'session_1', scopes: sessionScopes });

const staff = (id: string, staffRole: StaffRole | null, status: User['status'] = 'active') =>
  newUserRecord({ id, email: `${id}@example.com`, displayName: id, role: 'member', createdAt: new Date(), staffRole, status });

describe('AdminAccessPolicy', () => {
  let database: TestDatabase;
  let policy: AdminAccessPolicy;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const users = new SqlUserRepository(database.db);
    for (const user of [staff('user_support', 'support'), staff('user_moderator', 'moderator'), staff('user_super', 'superadmin'), staff('user_member', null), staff('user_suspended_super', 'superadmin', 'suspended')]) await users.create(user);
    policy = new AdminAccessPolicy({ instanceOwnerId: 'user_owner', accountAccess: new AccountAccess({ users, clock: () => new Date() }) });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('BIL-1 the instance owner administers only with a key naming the admin scope', async () => {
    await expect(policy.assertCanAdminister(keyPrincipal('user_owner', ['admin']), 'plans.manage')).resolves.toMatchObject({ role: 'superadmin', isInstanceOwner: true });
    await expect(policy.assertCanAdminister(keyPrincipal('user_owner', ['chat.completions', 'admin']), 'users.change_status')).resolves.toMatchObject({ isInstanceOwner: true });
    // An unrestricted key means "all inference endpoints", never administration.
    await expect(policy.assertCanAdminister(keyPrincipal('user_owner', null), 'plans.manage')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(policy.assertCanAdminister(keyPrincipal('user_owner', ['api_keys', 'usage']), 'plans.manage')).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('ADM-6 keys of anyone but the owner never administer, staff or not', async () => {
    await expect(policy.assertCanAdminister(keyPrincipal('user_member', ['admin']), 'users.read')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(policy.assertCanAdminister(keyPrincipal('user_super', ['admin']), 'users.read')).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('ADM-6 staff sessions administer what their role grants, and nothing else', async () => {
    await expect(policy.assertCanAdminister(sessionPrincipal('user_support'), 'users.read')).resolves.toMatchObject({ role: 'support', isInstanceOwner: false });
    await expect(policy.assertCanAdminister(sessionPrincipal('user_support'), 'users.change_status')).rejects.toMatchObject({ code: 'permission_denied', message: expect.stringContaining('support') });
    await expect(policy.assertCanAdminister(sessionPrincipal('user_moderator'), 'users.change_status')).resolves.toMatchObject({ role: 'moderator' });
    await expect(policy.assertCanAdminister(sessionPrincipal('user_moderator'), 'plans.manage')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(policy.assertCanAdminister(sessionPrincipal('user_member'), 'users.read')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(policy.assertCanAdminister(sessionPrincipal('user_suspended_super'), 'users.read')).rejects.toMatchObject({ code: 'account_unavailable' });
  });

  it('ADM-6 superadmin holds every permission; every role can at least read accounts', () => {
    for (const permission of staffPermissions) expect(hasStaffPermission('superadmin', permission)).toBe(true);
    for (const role of staffRoles) expect(staffRolePermissions[role]).toContain('users.read');
    expect(hasStaffPermission(null, 'users.read')).toBe(false);
    expect(hasStaffPermission('support', 'users.change_status')).toBe(false);
  });
});
