import { PassThrough } from 'node:stream';
import { verifyAuditChain } from '@charter/core';
import { createOpenAiCompatibleEngine } from '@charter/engine-openai-compatible';
import { SqlAuditLog } from '@charter/storage';
import { tamperedToken, testDialects, tokenFromEmail, type ReceivedEmail } from '@charter/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CharterApp } from '../src/app.js';
import { bearer, startTestApp, testActor, type TestApp } from './build-test-app.js';
import { registerVerified, registration, TestBrowser } from './browser-client.js';

type Person = Awaited<ReturnType<typeof registerVerified>>;

const chatPayload = { model: 'fake-model', max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] };

describe.each(testDialects)('organizations on %s', (dialect) => {
  let test: TestApp;
  /** A second node on the same database: what one node changes must hold on the other at once. */
  let secondNode: CharterApp;
  beforeAll(async () => {
    test = await startTestApp(dialect);
    const engine = createOpenAiCompatibleEngine({
      id: 'fake',
      baseUrl: test.upstream.url,
      models: [{ name: 'fake-model', contextWindow: 4096, capabilities: { chat: true, completion: true, embeddings: true } }],
      connectTimeoutMs: 2000,
      firstByteTimeoutMs: 5000,
      idleTimeoutMs: 5000,
      maxRetries: 0,
      tokenizer: 'upstream',
      healthCheck: false,
    });
    secondNode = await buildApp(test.app.config, { engines: [engine], logStream: new PassThrough() });
  });
  afterAll(async () => {
    await secondNode?.close(1000);
    await test?.close();
  });
  const fastify = () => test.app.fastify;
  const db = () => test.database.db;
  const person = () => registerVerified(fastify(), test.mail);
  const header = (organizationId: string) => ({ 'openai-organization': organizationId });

  async function createOrganization(owner: Person, name = 'Acme'): Promise<string> {
    const response = await owner.browser.post('/api/v1/organizations', { name });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  const isInvitation = (email: string) => (message: ReceivedEmail) => message.to.includes(email.toLowerCase()) && message.subject.startsWith('You are invited');

  /** The token of the `count`-th invitation emailed to `email`. */
  async function invitationToken(email: string, count = 1): Promise<string> {
    await test.mail.waitFor(() => test.mail.messages.filter(isInvitation(email)).length >= count);
    return tokenFromEmail(test.mail.messages.filter(isInvitation(email))[count - 1]!);
  }

  async function invite(inviter: Person, organizationId: string, email: string, role: string): Promise<LightMyRequestResponse> {
    return inviter.browser.post(`/api/v1/organizations/${organizationId}/invitations`, { email, role });
  }

  /** Invite `member` with `role` and have them accept. */
  async function join(inviter: Person, organizationId: string, member: Person, role: string): Promise<void> {
    const before = test.mail.messages.filter(isInvitation(member.fields.email)).length;
    const invited = await invite(inviter, organizationId, member.fields.email, role);
    expect(invited.statusCode, invited.body).toBe(201);
    const accepted = await member.browser.post('/api/v1/invitations/accept', { token: await invitationToken(member.fields.email, before + 1) });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ id: organizationId, role });
  }

  /** Create a key while acting for the organisation (session + header). */
  async function organizationKey(member: Person, organizationId: string, name = 'org key'): Promise<{ id: string; key: string }> {
    const response = await member.browser.request({ method: 'POST', url: '/api/v1/keys', payload: { name }, headers: header(organizationId) });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  const chatWithKey = (key: string, node = fastify(), headers: Record<string, string> = {}) =>
    node.inject({ method: 'POST', url: '/v1/chat/completions', headers: { ...bearer(key), ...headers }, payload: chatPayload });

  const auditActions = async (targetId: string) =>
    (await db().selectFrom('audit_events').select(['action', 'details_json']).where('target_id', '=', targetId).orderBy('sequence').execute()).map((row) => row.action);

  const countRows = async (table: 'organizations' | 'organization_members' | 'organization_invitations' | 'api_keys') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow()).count);

  it('ACC-7 creates an organization with the caller as owner, lists, reads and renames it; bad input changes nothing', async () => {
    const alice = await person();
    const organizationId = await createOrganization(alice, '  Acme Research  ');
    expect(organizationId).toMatch(/^org_[0-9a-f]{32}$/);
    const listed = await alice.browser.get('/api/v1/organizations');
    expect(listed.json().data).toEqual([expect.objectContaining({ object: 'organization', id: organizationId, name: 'Acme Research', role: 'owner' })]);
    expect((await alice.browser.get(`/api/v1/organizations/${organizationId}`)).json()).toMatchObject({ name: 'Acme Research', role: 'owner' });
    const members = await alice.browser.get(`/api/v1/organizations/${organizationId}/members`);
    expect(members.json().data).toEqual([expect.objectContaining({ user_id: alice.userId, email: alice.fields.email.toLowerCase(), role: 'owner' })]);

    const renamed = await alice.browser.patch(`/api/v1/organizations/${organizationId}`, { name: 'Acme Labs' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().name).toBe('Acme Labs');
    expect(await auditActions(organizationId)).toEqual(['organization.created', 'organization.renamed']);

    const organizations = await countRows('organizations');
    for (const name of ['', '   ', 'a'.repeat(101), 'line\nbreak']) {
      const created = await alice.browser.post('/api/v1/organizations', { name });
      expect(created.statusCode, JSON.stringify(name)).toBe(400);
      expect(created.json().error).toMatchObject({ type: 'invalid_request_error', param: 'name' });
      const rename = await alice.browser.patch(`/api/v1/organizations/${organizationId}`, { name });
      expect(rename.statusCode).toBe(400);
    }
    expect((await alice.browser.post('/api/v1/organizations', {})).json().error.param).toBe('name');
    expect(await countRows('organizations')).toBe(organizations);
    expect((await alice.browser.get(`/api/v1/organizations/${organizationId}`)).json().name).toBe('Acme Labs');

    // Writes need the CSRF token; an API key cannot manage organisations.
    expect((await alice.browser.post('/api/v1/organizations', { name: 'Forged' }, { withCsrf: false })).statusCode).toBe(403);
    expect((await fastify().inject({ method: 'GET', url: '/api/v1/organizations', headers: bearer(test.ownerKey) })).statusCode).toBe(401);
    expect(await countRows('organizations')).toBe(organizations);
  });

  it('ACC-7 an unverified account cannot create an organization', async () => {
    const browser = new TestBrowser(fastify());
    expect((await browser.post('/api/v1/auth/register', registration())).statusCode).toBe(201);
    const response = await browser.post('/api/v1/organizations', { name: 'Unverified Inc' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('email_not_verified');
  });

  it('ACC-7 a non-member can neither read, list nor act on an organization: 404, so its existence is not revealed', async () => {
    const alice = await person();
    const mallory = await person();
    const organizationId = await createOrganization(alice);
    const key = await organizationKey(alice, organizationId);
    const base = `/api/v1/organizations/${organizationId}`;
    const attempts: Array<Promise<LightMyRequestResponse>> = [
      mallory.browser.get(base),
      mallory.browser.patch(base, { name: 'Taken over' }),
      mallory.browser.request({ method: 'DELETE', url: base }),
      mallory.browser.get(`${base}/members`),
      mallory.browser.request({ method: 'PATCH', url: `${base}/members/${alice.userId}`, payload: { role: 'viewer' } }),
      mallory.browser.post(`${base}/members/${alice.userId}/remove`, { keys: 'revoke' }),
      mallory.browser.post(`${base}/members/${mallory.userId}/remove`, { keys: 'revoke' }),
      mallory.browser.get(`${base}/invitations`),
      mallory.browser.post(`${base}/invitations`, { email: mallory.fields.email, role: 'owner' }),
      mallory.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) }),
      mallory.browser.request({ method: 'POST', url: '/api/v1/keys', payload: { name: 'mine now' }, headers: header(organizationId) }),
      mallory.browser.request({ method: 'GET', url: `/api/v1/keys/${key.id}`, headers: header(organizationId) }),
      mallory.browser.request({ method: 'POST', url: `/api/v1/keys/${key.id}/revoke`, headers: header(organizationId) }),
      mallory.browser.request({ method: 'PATCH', url: `/api/v1/keys/${key.id}`, payload: { scopes: { rate_limits: { requests_per_minute: 1 } } }, headers: header(organizationId) }),
      mallory.browser.request({ method: 'GET', url: '/api/v1/usage?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&granularity=day', headers: header(organizationId) }),
      mallory.browser.request({ method: 'GET', url: '/api/v1/usage/export.csv?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', headers: header(organizationId) }),
      mallory.browser.request({ method: 'POST', url: '/v1/chat/completions', payload: chatPayload, headers: { 'x-charter-organization': organizationId } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode, `${response.body}`).toBe(404);
      expect(response.json().error.type).toBe('invalid_request_error');
    }
    // The same answer as for an organisation that does not exist at all.
    const unknown = await mallory.browser.get('/api/v1/organizations/org_00000000000000000000000000000000');
    expect(unknown.json()).toEqual((await mallory.browser.get(base)).json());
    expect((await mallory.browser.get('/api/v1/organizations')).json().data).toEqual([]);
    // Nothing changed: the organisation, its owner and its key are as they were.
    expect((await alice.browser.get(base)).json()).toMatchObject({ name: 'Acme', role: 'owner' });
    expect((await alice.browser.get(`${base}/members`)).json().data.map((member: { user_id: string }) => member.user_id)).toEqual([alice.userId]);
    expect((await chatWithKey(key.key)).statusCode).toBe(200);
  });

  it('ACC-7 invitations: emailed single-use links that only the invited, verified address can accept; re-inviting replaces the link', async () => {
    const alice = await person();
    const bob = await person();
    const carol = await person();
    const organizationId = await createOrganization(alice, 'Invites & Co');
    const invited = await invite(alice, organizationId, `  ${bob.fields.email.toUpperCase()} `, 'developer');
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json()).toMatchObject({ object: 'organization.invitation', email: bob.fields.email.toLowerCase(), role: 'developer', invited_by_user_id: alice.userId });
    expect(invited.body).not.toMatch(/token/);
    const message = await test.mail.waitFor(isInvitation(bob.fields.email));
    expect(message.subject).toBe('You are invited to join Invites & Co on Charter');
    expect(message.text).toMatch(/http:\/\/charter\.test\/invitations#token=/);
    const firstToken = tokenFromEmail(message);

    // Someone else, signed in with another address, cannot use Bob's link; it stays valid for Bob.
    const stolen = await carol.browser.post('/api/v1/invitations/accept', { token: firstToken });
    expect(stolen.statusCode).toBe(403);
    expect(stolen.json().error).toMatchObject({ code: null, type: 'permission_error', message: expect.stringContaining('another email address') });

    // Inviting again replaces the first link.
    expect((await invite(alice, organizationId, bob.fields.email, 'viewer')).statusCode).toBe(201);
    const secondToken = await invitationToken(bob.fields.email, 2);
    expect((await alice.browser.get(`/api/v1/organizations/${organizationId}/invitations`)).json().data).toEqual([expect.objectContaining({ email: bob.fields.email.toLowerCase(), role: 'viewer' })]);
    const replaced = await bob.browser.post('/api/v1/invitations/accept', { token: firstToken });
    expect(replaced.statusCode).toBe(400);
    expect(replaced.json().error.code).toBe('invalid_token');

    const accepted = await bob.browser.post('/api/v1/invitations/accept', { token: secondToken });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ id: organizationId, role: 'viewer', name: 'Invites & Co' });
    const twice = await bob.browser.post('/api/v1/invitations/accept', { token: secondToken });
    expect(twice.json().error.code).toBe('invalid_token');
    expect((await bob.browser.get('/api/v1/organizations')).json().data.map((organization: { id: string }) => organization.id)).toEqual([organizationId]);
    expect((await alice.browser.get(`/api/v1/organizations/${organizationId}/invitations`)).json().data).toEqual([]);
    // A member cannot be invited again.
    expect((await invite(alice, organizationId, bob.fields.email, 'admin')).statusCode).toBe(409);

    // Revoked: the link stops working.
    const dave = await person();
    const daveInvitation = (await invite(alice, organizationId, dave.fields.email, 'developer')).json();
    const daveToken = await invitationToken(dave.fields.email);
    expect((await alice.browser.post(`/api/v1/organizations/${organizationId}/invitations/${daveInvitation.id}/revoke`)).statusCode).toBe(204);
    expect((await alice.browser.post(`/api/v1/organizations/${organizationId}/invitations/${daveInvitation.id}/revoke`)).statusCode).toBe(404);
    expect((await dave.browser.post('/api/v1/invitations/accept', { token: daveToken })).json().error.code).toBe('invalid_token');

    // Expired: the link stops working.
    const erin = await person();
    const erinInvitation = (await invite(alice, organizationId, erin.fields.email, 'developer')).json();
    const erinToken = await invitationToken(erin.fields.email);
    await db().updateTable('organization_invitations').set({ expires_at: Date.now() - 1 }).where('id', '=', erinInvitation.id).execute();
    expect((await erin.browser.post('/api/v1/invitations/accept', { token: erinToken })).json().error.code).toBe('invalid_token');
    expect((await alice.browser.get(`/api/v1/organizations/${organizationId}/invitations`)).json().data).toEqual([]);

    // An unverified account with the invited address cannot accept until it is verified.
    const unverified = new TestBrowser(fastify());
    const fields = registration();
    expect((await unverified.post('/api/v1/auth/register', fields)).statusCode).toBe(201);
    expect((await invite(alice, organizationId, fields.email, 'developer')).statusCode).toBe(201);
    const unverifiedToken = await invitationToken(fields.email);
    expect((await unverified.post('/api/v1/invitations/accept', { token: unverifiedToken })).json().error.code).toBe('email_not_verified');
    expect((await unverified.post('/api/v1/invitations/accept', { token: tamperedToken(unverifiedToken) })).json().error.code).toBe('invalid_token');

    expect(await auditActions(organizationId)).toEqual(['organization.created', 'organization.member_added']);
    const invitationEvents = await db().selectFrom('audit_events').select('action').where('target_type', '=', 'organization_invitation').where('details_json', 'like', `%${organizationId}%`).orderBy('sequence').execute();
    expect(invitationEvents.map((row) => row.action)).toEqual([
      'organization.invitation_sent',
      'organization.invitation_sent',
      'organization.invitation_accepted',
      'organization.invitation_sent',
      'organization.invitation_revoked',
      'organization.invitation_sent',
      'organization.invitation_sent',
    ]);
  });

  it('ACC-7 bad invitations are refused with the parameter at fault and store nothing', async () => {
    const alice = await person();
    const organizationId = await createOrganization(alice);
    const before = await countRows('organization_invitations');
    const sent = test.mail.messages.length;
    for (const [payload, param] of [
      [{ email: 'not-an-email', role: 'developer' }, 'email'],
      [{ email: 'someone@example.com', role: 'superuser' }, 'role'],
      [{ email: 'someone@example.com' }, 'role'],
      [{ role: 'viewer' }, 'email'],
    ] as const) {
      const response = await alice.browser.post(`/api/v1/organizations/${organizationId}/invitations`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param });
    }
    expect((await alice.browser.post('/api/v1/invitations/accept', {})).statusCode).toBe(400);
    expect(await countRows('organization_invitations')).toBe(before);
    expect(test.mail.messages.length).toBe(sent);
  });

  it('ACC-7 roles: a viewer cannot invite, create keys or call the models; an admin cannot remove or demote the owner or grant owner; the last owner cannot leave', async () => {
    const owner = await person();
    const admin = await person();
    const viewer = await person();
    const organizationId = await createOrganization(owner);
    await join(owner, organizationId, admin, 'admin');
    await join(admin, organizationId, viewer, 'viewer');
    const base = `/api/v1/organizations/${organizationId}`;

    const viewerInvite = await invite(viewer, organizationId, 'friend@example.com', 'viewer');
    expect(viewerInvite.statusCode).toBe(403);
    expect(viewerInvite.json().error).toMatchObject({ type: 'permission_error', message: expect.stringContaining('viewer') });
    const viewerKey = await viewer.browser.request({ method: 'POST', url: '/api/v1/keys', payload: { name: 'nope' }, headers: header(organizationId) });
    expect(viewerKey.statusCode).toBe(403);
    const viewerChat = await viewer.browser.request({ method: 'POST', url: '/v1/chat/completions', payload: chatPayload, headers: header(organizationId) });
    expect(viewerChat.statusCode).toBe(403);
    expect((await viewer.browser.patch(base, { name: 'Viewer was here' })).statusCode).toBe(403);
    expect((await viewer.browser.request({ method: 'PATCH', url: `${base}/members/${viewer.userId}`, payload: { role: 'admin' } })).statusCode).toBe(403);
    expect((await viewer.browser.get(`${base}/members`)).statusCode).toBe(200);

    expect((await admin.browser.post(`${base}/members/${owner.userId}/remove`, { keys: 'revoke' })).statusCode).toBe(403);
    expect((await admin.browser.request({ method: 'PATCH', url: `${base}/members/${owner.userId}`, payload: { role: 'viewer' } })).statusCode).toBe(403);
    const grant = await admin.browser.request({ method: 'PATCH', url: `${base}/members/${viewer.userId}`, payload: { role: 'owner' } });
    expect(grant.statusCode).toBe(403);
    expect(grant.json().error.message).toContain('Only an owner');
    expect((await admin.browser.request({ method: 'PATCH', url: `${base}/members/${admin.userId}`, payload: { role: 'owner' } })).statusCode).toBe(403);
    expect((await invite(admin, organizationId, 'future-owner@example.com', 'owner')).statusCode).toBe(403);
    expect((await admin.browser.request({ method: 'DELETE', url: base })).statusCode).toBe(403);
    // An admin does manage the other roles.
    expect((await admin.browser.request({ method: 'PATCH', url: `${base}/members/${viewer.userId}`, payload: { role: 'developer' } })).json()).toMatchObject({ role: 'developer' });

    const leave = await owner.browser.post(`${base}/members/${owner.userId}/remove`, { keys: 'revoke' });
    expect(leave.statusCode).toBe(409);
    expect(leave.json().error.message).toContain('at least one owner');
    expect((await owner.browser.request({ method: 'PATCH', url: `${base}/members/${owner.userId}`, payload: { role: 'admin' } })).statusCode).toBe(409);
    const badRole = await owner.browser.request({ method: 'PATCH', url: `${base}/members/${admin.userId}`, payload: { role: 'god' } });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.param).toBe('role');
    expect((await owner.browser.request({ method: 'PATCH', url: `${base}/members/user_nobody`, payload: { role: 'admin' } })).statusCode).toBe(404);

    const roles = async () => Object.fromEntries((await owner.browser.get(`${base}/members`)).json().data.map((member: { user_id: string; role: string }) => [member.user_id, member.role]));
    expect(await roles()).toEqual({ [owner.userId]: 'owner', [admin.userId]: 'admin', [viewer.userId]: 'developer' });

    // Once there is another owner, the first may step down and leave.
    expect((await owner.browser.request({ method: 'PATCH', url: `${base}/members/${admin.userId}`, payload: { role: 'owner' } })).json().role).toBe('owner');
    expect((await owner.browser.post(`${base}/members/${owner.userId}/remove`, { keys: 'revoke' })).statusCode).toBe(200);
    expect((await owner.browser.get(base)).statusCode).toBe(404);
    expect(Object.values(Object.fromEntries((await admin.browser.get(`${base}/members`)).json().data.map((member: { user_id: string; role: string }) => [member.user_id, member.role])))).toEqual(['owner', 'developer']);
    const changes = await db().selectFrom('audit_events').select('details_json').where('target_id', '=', organizationId).where('action', '=', 'organization.member_role_changed').execute();
    expect(changes.map((row) => JSON.parse(row.details_json))).toEqual([
      { userId: viewer.userId, fromRole: 'viewer', toRole: 'developer' },
      { userId: admin.userId, fromRole: 'admin', toRole: 'owner' },
    ]);
  });

  it('ACC-7 two owners leaving at the same moment cannot leave the organization without an owner', async () => {
    const first = await person();
    const second = await person();
    const organizationId = await createOrganization(first);
    await join(first, organizationId, second, 'owner');
    const base = `/api/v1/organizations/${organizationId}`;
    for (let round = 0; round < 3; round++) {
      const [left, right] = await Promise.all([
        first.browser.post(`${base}/members/${first.userId}/remove`, { keys: 'revoke' }),
        second.browser.post(`${base}/members/${second.userId}/remove`, { keys: 'revoke' }),
      ]);
      expect([left.statusCode, right.statusCode].sort()).toEqual([200, 409]);
      const owners = await db().selectFrom('organization_members').select('user_id').where('organization_id', '=', organizationId).where('role', '=', 'owner').execute();
      expect(owners).toHaveLength(1);
      // Put the one who left back as an owner for the next round.
      const [stayed, gone] = left.statusCode === 200 ? [second, first] : [first, second];
      await join(stayed, organizationId, gone, 'owner');
    }
  });

  it('ACC-7 acting for an organization: keys belong to it, listings follow the role, inference is metered and limited as the organization', async () => {
    const owner = await person();
    const developer = await person();
    const organizationId = await createOrganization(owner);
    await join(owner, organizationId, developer, 'developer');

    const personal = (await owner.browser.post('/api/v1/keys', { name: 'personal' })).json();
    const ownerOrgKey = await organizationKey(owner, organizationId, 'owner org key');
    const developerOrgKey = await organizationKey(developer, organizationId, 'developer org key');
    const row = await db().selectFrom('api_keys').selectAll().where('id', '=', developerOrgKey.id).executeTakeFirstOrThrow();
    expect({ organization: row.organization_id, holder: row.owner_user_id }).toEqual({ organization: organizationId, holder: developer.userId });

    const ids = (response: LightMyRequestResponse) => response.json().data.map((key: { id: string }) => key.id).sort();
    expect(ids(await owner.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) }))).toEqual([ownerOrgKey.id, developerOrgKey.id].sort());
    expect(ids(await developer.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) }))).toEqual([developerOrgKey.id]);
    // Personal listings show personal keys only.
    expect(ids(await owner.browser.get('/api/v1/keys'))).toEqual([personal.id]);
    expect((await owner.browser.get(`/api/v1/keys/${ownerOrgKey.id}`)).statusCode).toBe(404);
    // A developer sees only their own organisation keys; the owner may revoke anyone's.
    expect((await developer.browser.request({ method: 'GET', url: `/api/v1/keys/${ownerOrgKey.id}`, headers: header(organizationId) })).statusCode).toBe(404);
    expect((await developer.browser.request({ method: 'POST', url: `/api/v1/keys/${ownerOrgKey.id}/revoke`, headers: header(organizationId) })).statusCode).toBe(404);
    const developerSpare = await organizationKey(developer, organizationId, 'spare');
    const revokedByOwner = await owner.browser.request({ method: 'POST', url: `/api/v1/keys/${developerSpare.id}/revoke`, headers: header(organizationId) });
    expect(revokedByOwner.json()).toMatchObject({ id: developerSpare.id, revoked_at: expect.any(String), owner_user_id: developer.userId, organization_id: organizationId });
    expect((await chatWithKey(developerSpare.key)).statusCode).toBe(401);
    // The holder may rename or throttle their key, and so may the owner; a developer cannot touch the owner's.
    const patchKey = (member: typeof owner, keyId: string, payload: Record<string, unknown>) => member.browser.request({ method: 'PATCH', url: `/api/v1/keys/${keyId}`, payload, headers: header(organizationId) });
    expect((await patchKey(developer, developerOrgKey.id, { name: 'renamed by holder' })).json()).toMatchObject({ name: 'renamed by holder', owner_user_id: developer.userId });
    const throttled = await patchKey(owner, developerOrgKey.id, { scopes: { rate_limits: { concurrent_requests: 3 } } });
    expect(throttled.json()).toMatchObject({ name: 'renamed by holder', scopes: { rate_limits: { concurrent_requests: 3 } } });
    expect((await patchKey(developer, ownerOrgKey.id, { name: 'mine' })).statusCode).toBe(404);
    expect((await db().selectFrom('api_keys').select('name').where('id', '=', ownerOrgKey.id).executeTakeFirstOrThrow()).name).toBe('owner org key');
    // Rotation is for the holder: the new key stays the organisation's.
    expect((await owner.browser.request({ method: 'POST', url: `/api/v1/keys/${developerOrgKey.id}/rotate`, headers: header(organizationId) })).statusCode).toBe(403);
    const rotated = await organizationKey(developer, organizationId, 'to rotate');
    const rotation = await developer.browser.request({ method: 'POST', url: `/api/v1/keys/${rotated.id}/rotate`, headers: header(organizationId) });
    expect(rotation.statusCode, rotation.body).toBe(201);
    expect(rotation.json()).toMatchObject({ organization_id: organizationId, owner_user_id: developer.userId, rotated_from_id: rotated.id });
    expect((await chatWithKey(rotated.key)).statusCode).toBe(401);
    await developer.browser.request({ method: 'POST', url: `/api/v1/keys/${rotation.json().id}/revoke`, headers: header(organizationId) });

    // Inference with the organisation key and with the session header is counted for the organisation.
    expect((await chatWithKey(developerOrgKey.key)).statusCode).toBe(200);
    expect((await chatWithKey(developerOrgKey.key, fastify(), header(organizationId))).statusCode).toBe(200);
    const viaSession = await owner.browser.request({ method: 'POST', url: '/v1/chat/completions', payload: chatPayload, headers: { 'x-charter-organization': organizationId } });
    expect(viaSession.statusCode, viaSession.body).toBe(200);
    expect((await chatWithKey(personal.key)).statusCode).toBe(200);
    await test.app.services.metering.flush();
    const usage = await db().selectFrom('usage_records').select(['user_id', 'organization_id', 'api_key_id']).where('user_id', 'in', [owner.userId, developer.userId]).orderBy('created_at').execute();
    expect(usage).toEqual([
      { user_id: developer.userId, organization_id: organizationId, api_key_id: developerOrgKey.id },
      { user_id: developer.userId, organization_id: organizationId, api_key_id: developerOrgKey.id },
      { user_id: owner.userId, organization_id: organizationId, api_key_id: null },
      { user_id: owner.userId, organization_id: null, api_key_id: personal.id },
    ]);

    // The usage API reports the organisation to its members, and the person's own usage without the header.
    const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const organizationReport = await developer.browser.request({ method: 'GET', url: `/api/v1/usage?${range}&granularity=day&group_by=member`, headers: header(organizationId) });
    expect(organizationReport.statusCode, organizationReport.body).toBe(200);
    expect(organizationReport.json().totals.requests).toBe(3);
    expect(organizationReport.json().data.map((bucket: { user_id: string; requests: number }) => [bucket.user_id, bucket.requests]).sort()).toEqual([[developer.userId, 2], [owner.userId, 1]].sort());
    expect((await owner.browser.get(`/api/v1/usage?${range}&granularity=day`)).json().totals.requests).toBe(1);
    const csv = await owner.browser.request({ method: 'GET', url: `/api/v1/usage/export.csv?${range}`, headers: header(organizationId) });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(4);

    // A personal key cannot act for an organisation; an organisation key cannot name another one.
    const personalWithHeader = await chatWithKey(personal.key, fastify(), header(organizationId));
    expect(personalWithHeader.statusCode).toBe(400);
    expect(personalWithHeader.json().error.param).toBe('OpenAI-Organization');
    const otherOrganization = await createOrganization(owner, 'Other');
    expect((await chatWithKey(developerOrgKey.key, fastify(), header(otherOrganization))).statusCode).toBe(400);

    // The organisation's plan applies to its requests, not the members' own plans.
    const plans = test.app.limits!.plans;
    await plans.create({
      id: `tight_${dialect}`,
      name: 'tight',
      kind: 'enterprise',
      limits: { requestsPerMinute: 1, requestsPerHour: 100, tokensPerMinute: 1_000_000, concurrentRequests: 10 },
      quota: null,
      allowedModels: null,
      flags: { isNonCommercialOnly: false },
    });
    await plans.assign({ owner: { ownerType: 'organization', ownerId: otherOrganization }, planId: `tight_${dialect}` }, testActor);
    const tightKey = await organizationKey(owner, otherOrganization, 'tight');
    expect((await chatWithKey(tightKey.key)).statusCode).toBe(200);
    const limited = await chatWithKey(tightKey.key);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['x-ratelimit-limit-requests']).toBe('1');
    const limitedSession = await owner.browser.request({ method: 'POST', url: '/v1/chat/completions', payload: chatPayload, headers: header(otherOrganization) });
    expect(limitedSession.statusCode).toBe(429);
    expect((await chatWithKey(personal.key)).statusCode).toBe(200);
  });

  it('ACC-7 removing a member ends their access at once on every node; their keys are revoked or transferred as the remover chooses', async () => {
    const owner = await person();
    const leaving = await person();
    const handingOver = await person();
    const organizationId = await createOrganization(owner);
    await join(owner, organizationId, leaving, 'developer');
    await join(owner, organizationId, handingOver, 'developer');
    const leavingKey = await organizationKey(leaving, organizationId);
    const handedKey = await organizationKey(handingOver, organizationId);
    const personalKey = (await leaving.browser.post('/api/v1/keys', { name: 'personal' })).json();
    // Both nodes have the keys in their authentication caches.
    for (const node of [fastify(), secondNode.fastify]) {
      expect((await chatWithKey(leavingKey.key, node)).statusCode).toBe(200);
      expect((await chatWithKey(handedKey.key, node)).statusCode).toBe(200);
    }
    expect((await leaving.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) })).statusCode).toBe(200);

    // Bad input changes nothing: a transfer to a non-member, to the leaving member, or an unknown choice.
    const base = `/api/v1/organizations/${organizationId}`;
    const outsider = await person();
    for (const keys of [{ transfer_to: outsider.userId }, { transfer_to: leaving.userId }, 'keep', { transfer_to: '' }]) {
      const response = await owner.browser.post(`${base}/members/${leaving.userId}/remove`, { keys });
      expect(response.statusCode, JSON.stringify(keys)).toBe(400);
      expect(response.json().error.param).toMatch(/^keys/);
    }
    expect((await owner.browser.post(`${base}/members/${leaving.userId}/remove`, {})).statusCode).toBe(400);
    expect((await chatWithKey(leavingKey.key, secondNode.fastify)).statusCode).toBe(200);

    const removed = await owner.browser.post(`${base}/members/${leaving.userId}/remove`, { keys: 'revoke' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual({ object: 'organization.member.removed', user_id: leaving.userId, revoked_api_key_ids: [leavingKey.id], transferred_api_key_ids: [], transferred_to: null });
    // At once, on both nodes, although both still cache the key.
    for (const node of [fastify(), secondNode.fastify]) {
      const refused = await chatWithKey(leavingKey.key, node);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe('invalid_api_key');
    }
    const sessionWithHeader = await leaving.browser.request({ method: 'POST', url: '/v1/chat/completions', payload: chatPayload, headers: header(organizationId) });
    expect(sessionWithHeader.statusCode).toBe(404);
    expect((await leaving.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) })).statusCode).toBe(404);
    expect((await leaving.browser.get(base)).statusCode).toBe(404);
    // Their own account is untouched.
    expect((await chatWithKey(personalKey.key)).statusCode).toBe(200);

    const transferred = await owner.browser.post(`${base}/members/${handingOver.userId}/remove`, { keys: { transfer_to: owner.userId } });
    expect(transferred.json()).toMatchObject({ transferred_api_key_ids: [handedKey.id], transferred_to: owner.userId, revoked_api_key_ids: [] });
    for (const node of [fastify(), secondNode.fastify]) expect((await chatWithKey(handedKey.key, node)).statusCode).toBe(200);
    expect((await handingOver.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) })).statusCode).toBe(404);
    const ownerKeys = (await owner.browser.request({ method: 'GET', url: '/api/v1/keys', headers: header(organizationId) })).json().data;
    expect(ownerKeys.find((key: { id: string }) => key.id === handedKey.id)).toMatchObject({ owner_user_id: owner.userId, revoked_at: null });
    await test.app.services.metering.flush();
    await secondNode.services.metering.flush();
    const handedUsage = await db().selectFrom('usage_records').select('user_id').where('api_key_id', '=', handedKey.id).orderBy('created_at').execute();
    expect(handedUsage.map((record) => record.user_id)).toEqual([handingOver.userId, handingOver.userId, owner.userId, owner.userId]);

    const removals = await db().selectFrom('audit_events').select('details_json').where('target_id', '=', organizationId).where('action', '=', 'organization.member_removed').orderBy('sequence').execute();
    expect(removals.map((event) => JSON.parse(event.details_json))).toEqual([
      { userId: leaving.userId, role: 'developer', isSelf: false, revokedKeys: 1, transferredKeys: 0, transferredTo: null },
      { userId: handingOver.userId, role: 'developer', isSelf: false, revokedKeys: 0, transferredKeys: 1, transferredTo: owner.userId },
    ]);
    expect(await auditActions(leavingKey.id)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(await auditActions(handedKey.id)).toEqual(['api_key.created', 'api_key.transferred']);
    const events = await new SqlAuditLog(db(), test.database.dialect).list({ afterSequence: 0, limit: 100_000 });
    expect(verifyAuditChain(events).isIntact).toBe(true);
  });

  it("ACC-7 a member of one organization cannot see or touch another organization's keys or usage", async () => {
    const alice = await person();
    const bob = await person();
    const aliceOrganization = await createOrganization(alice, 'A');
    const bobOrganization = await createOrganization(bob, 'B');
    const aliceKey = await organizationKey(alice, aliceOrganization);
    const bobKey = await organizationKey(bob, bobOrganization);
    expect((await chatWithKey(bobKey.key)).statusCode).toBe(200);
    await test.app.services.metering.flush();

    const asAlice = (method: 'GET' | 'POST', url: string, organizationId: string) => alice.browser.request({ method, url, headers: header(organizationId) });
    expect((await asAlice('GET', `/api/v1/keys/${bobKey.id}`, aliceOrganization)).statusCode).toBe(404);
    expect((await asAlice('POST', `/api/v1/keys/${bobKey.id}/revoke`, aliceOrganization)).statusCode).toBe(404);
    expect((await asAlice('POST', `/api/v1/keys/${bobKey.id}/rotate`, aliceOrganization)).statusCode).toBe(404);
    expect((await asAlice('GET', '/api/v1/keys', aliceOrganization)).json().data.map((key: { id: string }) => key.id)).toEqual([aliceKey.id]);
    expect((await asAlice('GET', '/api/v1/keys', bobOrganization)).statusCode).toBe(404);
    const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    expect((await asAlice('GET', `/api/v1/usage?${range}&granularity=day`, aliceOrganization)).json().totals.requests).toBe(0);
    expect((await asAlice('GET', `/api/v1/usage?${range}&granularity=day`, bobOrganization)).statusCode).toBe(404);
    // Alice's organisation key (with the usage scope) cannot be pointed at Bob's organisation either.
    const usageKey = (await alice.browser.request({ method: 'POST', url: '/api/v1/keys', payload: { name: 'usage', scopes: { endpoints: ['usage', 'api_keys'] } }, headers: header(aliceOrganization) })).json();
    expect((await fastify().inject({ method: 'GET', url: `/api/v1/usage?${range}&granularity=day`, headers: { ...bearer(usageKey.key), ...header(bobOrganization) } })).statusCode).toBe(400);
    expect((await fastify().inject({ method: 'GET', url: `/api/v1/keys/${bobKey.id}`, headers: bearer(usageKey.key) })).statusCode).toBe(404);
    expect((await fastify().inject({ method: 'GET', url: `/api/v1/usage?${range}&granularity=day`, headers: bearer(usageKey.key) })).json().totals.requests).toBe(0);
    expect((await chatWithKey(bobKey.key)).statusCode).toBe(200);
  });

  it('ACC-7 deleting an organization (owners only) revokes its keys at once and keeps its usage for billing', async () => {
    const owner = await person();
    const admin = await person();
    const organizationId = await createOrganization(owner);
    await join(owner, organizationId, admin, 'admin');
    const key = await organizationKey(admin, organizationId);
    expect((await chatWithKey(key.key, secondNode.fastify)).statusCode).toBe(200);
    await secondNode.services.metering.flush();
    expect((await invite(owner, organizationId, 'pending@example.com', 'viewer')).statusCode).toBe(201);

    expect((await admin.browser.request({ method: 'DELETE', url: `/api/v1/organizations/${organizationId}` })).statusCode).toBe(403);
    const deleted = await owner.browser.request({ method: 'DELETE', url: `/api/v1/organizations/${organizationId}` });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({ object: 'organization.deleted', id: organizationId, deleted: true, revoked_api_keys: 1 });
    expect((await chatWithKey(key.key, secondNode.fastify)).statusCode).toBe(401);
    for (const member of [owner, admin]) {
      expect((await member.browser.get(`/api/v1/organizations/${organizationId}`)).statusCode).toBe(404);
      expect((await member.browser.get('/api/v1/organizations')).json().data).toEqual([]);
    }
    const pendingToken = await invitationToken('pending@example.com');
    const late = await person();
    expect((await late.browser.post('/api/v1/invitations/accept', { token: pendingToken })).json().error.code).toBe('invalid_token');
    const kept = await db().selectFrom('usage_records').select('organization_id').where('api_key_id', '=', key.id).execute();
    expect(kept).toEqual([{ organization_id: organizationId }]);
    expect(await auditActions(organizationId)).toEqual(['organization.created', 'organization.member_added', 'organization.deleted']);
  });

  it('ACC-9 an account cannot be deleted while it is the only owner of an organisation with other members; a one-person organisation goes with it', async () => {
    const owner = await person();
    const member = await person();
    const shared = await createOrganization(owner, 'Shared');
    await join(owner, shared, member, 'developer');
    const solo = await createOrganization(owner, 'Solo');
    const soloKey = await organizationKey(owner, solo);
    const refused = await owner.browser.post('/api/v1/account/delete', { password: owner.fields.password });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('only owner of the organisation "Shared"');
    expect((await owner.browser.get('/api/v1/account')).statusCode).toBe(200);
    expect((await chatWithKey(soloKey.key)).statusCode).toBe(200);

    const promoted = await owner.browser.patch(`/api/v1/organizations/${shared}/members/${member.userId}`, { role: 'owner' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    const deleted = await owner.browser.post('/api/v1/account/delete', { password: owner.fields.password });
    expect(deleted.statusCode, deleted.body).toBe(202);
    expect((await member.browser.get(`/api/v1/organizations/${shared}`)).statusCode).toBe(200);
    expect((await chatWithKey(soloKey.key)).statusCode).toBe(401);
    expect(await auditActions(solo)).toContain('organization.deleted');
  });
});
