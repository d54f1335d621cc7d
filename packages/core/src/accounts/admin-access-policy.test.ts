import { describe, expect, it } from 'vitest';
import { AdminAccessPolicy } from './admin-access-policy.js';
import type { ApiEndpoint, Principal } from './principal.js';

const principal = (userId: string, endpoints: ApiEndpoint[] | null): Principal => ({ userId, organizationId: null, apiKeyId: 'key_1', sessionId: null, scopes: { models: null, endpoints } });

describe('AdminAccessPolicy', () => {
  const policy = new AdminAccessPolicy({ instanceOwnerId: 'user_owner' });

  it('BIL-1 only the instance owner with a key naming the admin scope may administer', () => {
    expect(() => policy.assertCanAdminister(principal('user_owner', ['admin']))).not.toThrow();
    expect(() => policy.assertCanAdminister(principal('user_owner', ['chat.completions', 'admin']))).not.toThrow();
    // An unrestricted key means "all inference endpoints", never administration.
    expect(() => policy.assertCanAdminister(principal('user_owner', null))).toThrow(expect.objectContaining({ code: 'permission_denied' }));
    expect(() => policy.assertCanAdminister(principal('user_owner', ['api_keys', 'usage']))).toThrow(expect.objectContaining({ code: 'permission_denied' }));
    expect(() => policy.assertCanAdminister(principal('user_member', ['admin']))).toThrow(expect.objectContaining({ code: 'permission_denied', message: expect.stringMatching(/instance owner/) }));
  });
});
