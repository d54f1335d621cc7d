import { verifyAuditChain } from '@charter/core';
import { SqlAuditLog } from '@charter/storage';
import { testDialects } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, testActor, type TestApp } from './build-test-app.js';
import { registerVerified, registration, TestBrowser } from './browser-client.js';
import { signInStaff } from './staff-helpers.js';

describe.each(testDialects)('account states and staff on %s', (dialect) => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    nodeA = await startTestApp(dialect);
    // A second node on the same database, with its own per-node caches.
    nodeB = await startTestApp(dialect, { database: nodeA.database });
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });
  const fastify = () => nodeA.app.fastify;
  const statusOf = async (userId: string) => (await nodeA.database.db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirstOrThrow()).status;

  /** A verified customer with a key, whose session and key node B has just used (so B caches them as good). */
  async function customerSeenOnBothNodes() {
    const customer = await registerVerified(fastify(), nodeA.mail);
    const key = (await customer.browser.post('/api/v1/keys', { name: 'work' })).json<{ key: string }>().key;
    const cookie = customer.browser.cookies.get('charter_session')!;
    const onB = {
      session: () => nodeB.app.fastify.inject({ method: 'GET', url: '/api/v1/account', headers: { cookie: `charter_session=${cookie}` } }),
      key: () => nodeB.app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) }),
    };
    expect((await onB.session()).statusCode).toBe(200);
    expect((await onB.key()).statusCode).toBe(200);
    return { ...customer, key, onB };
  }

  it('ACC-10 a suspension on one node stops the session and key on the other within one second', async () => {
    const customer = await customerSeenOnBothNodes();
    const moderator = await signInStaff(nodeA.app, 'moderator');
    const suspendedAtMs = Date.now();
    const suspended = await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'suspended', reason: 'Chargeback fraud investigation #42' });
    expect(suspended.statusCode, suspended.body).toBe(200);
    let sessionRefusedAtMs: number | undefined;
    let keyRefusedAtMs: number | undefined;
    while ((sessionRefusedAtMs === undefined || keyRefusedAtMs === undefined) && Date.now() - suspendedAtMs < 3000) {
      if (sessionRefusedAtMs === undefined && (await customer.onB.session()).statusCode !== 200) sessionRefusedAtMs = Date.now();
      const key = await customer.onB.key();
      if (keyRefusedAtMs === undefined && key.statusCode !== 200) {
        keyRefusedAtMs = Date.now();
        expect(key.json().error).toMatchObject({ code: 'account_unavailable', message: expect.stringContaining('suspended') });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sessionRefusedAtMs! - suspendedAtMs).toBeLessThan(1000);
    expect(keyRefusedAtMs! - suspendedAtMs).toBeLessThan(1000);
    // The person was signed out everywhere, cannot sign in, and is told (without the staff reason).
    expect((await customer.browser.get('/api/v1/account')).statusCode).toBe(401);
    const signIn = await new TestBrowser(nodeB.app.fastify).post('/api/v1/auth/sign-in', { email: customer.fields.email, password: customer.fields.password });
    expect(signIn.json().error.code).toBe('account_unavailable');
    const notice = await nodeA.mail.waitFor((message) => message.to.includes(customer.fields.email) && message.subject === 'Your account is suspended');
    expect(notice.text).not.toContain('Chargeback');

    // History with reason and actor; audited.
    const shown = await moderator.browser.get(`/api/v1/admin/users/${customer.userId}`);
    expect(shown.json()).toMatchObject({
      user: { id: customer.userId, status: 'suspended' },
      status_history: [{ from_status: 'active', to_status: 'suspended', reason: 'Chargeback fraud investigation #42', actor_user_id: moderator.userId }],
    });
    const audit = await nodeA.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.status_changed').where('target_id', '=', customer.userId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_user_id).toBe(moderator.userId);
    expect(JSON.parse(audit[0]!.details_json)).toMatchObject({ fromStatus: 'active', toStatus: 'suspended', staffRole: 'moderator' });
    expect(audit[0]!.details_json).not.toContain('Chargeback');

    // Reinstated: the key works again (suspension keeps keys), and the person can sign in.
    expect((await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'active', reason: 'Investigation closed' })).statusCode).toBe(200);
    await expect.poll(async () => (await customer.onB.key()).statusCode, { timeout: 2000, interval: 50 }).toBe(200);
    expect((await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: customer.fields.email, password: customer.fields.password })).statusCode).toBe(200);
  });

  it('ACC-10 termination is final, revokes keys, and the email can never register again', async () => {
    const customer = await customerSeenOnBothNodes();
    const moderator = await signInStaff(nodeB.app, 'moderator');
    const terminated = await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'terminated', reason: 'Repeated severe policy violations' });
    expect(terminated.statusCode, terminated.body).toBe(200);
    await expect.poll(async () => (await customer.onB.key()).statusCode, { timeout: 1000, interval: 20 }).not.toBe(200);
    expect((await nodeA.app.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(customer.key) })).statusCode).toBe(401);
    const keys = await nodeA.database.db.selectFrom('api_keys').select('revoked_at').where('owner_user_id', '=', customer.userId).execute();
    expect(keys.every((key) => key.revoked_at !== null)).toBe(true);

    for (const email of [customer.fields.email, customer.fields.email.toUpperCase()]) {
      const again = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration({ email }));
      expect(again.statusCode).toBe(403);
      expect(again.json().error).toMatchObject({ code: 'registration_refused', message: expect.stringContaining('cannot be used') });
    }
    const reinstate = await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'active', reason: 'Oops' });
    expect(reinstate.statusCode).toBe(400);
    expect(reinstate.json().error).toMatchObject({ param: 'status', message: expect.stringContaining('final') });
    expect(await statusOf(customer.userId)).toBe('terminated');
    const blocked = await nodeA.database.db.selectFrom('blocked_identities').selectAll().execute();
    expect(JSON.stringify(blocked)).not.toContain(customer.fields.email);
  });

  it('ACC-10 a restricted account signs in and manages itself but cannot use models or create keys', async () => {
    const customer = await customerSeenOnBothNodes();
    const moderator = await signInStaff(nodeA.app, 'moderator');
    expect((await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'restricted', reason: 'Unpaid invoices' })).statusCode).toBe(200);
    const browser = new TestBrowser(fastify());
    const signIn = await browser.post('/api/v1/auth/sign-in', { email: customer.fields.email, password: customer.fields.password });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json().user.status).toBe('restricted');
    expect((await browser.get('/api/v1/account')).statusCode).toBe(200);
    expect((await browser.get('/api/v1/account/sessions')).statusCode).toBe(200);
    expect((await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: { name: 'Still Here' } })).statusCode).toBe(200);
    const key = await browser.post('/api/v1/keys', { name: 'new' });
    expect(key.statusCode).toBe(403);
    expect(key.json().error.code).toBe('account_unavailable');
    expect((await browser.get('/v1/models')).statusCode).toBe(403);
    await expect.poll(async () => (await customer.onB.key()).statusCode, { timeout: 1000, interval: 20 }).toBe(403);
  });

  it('ADM-6 non-staff sessions and keys cannot use admin routes; only the instance owner\'s keys may be given the admin scope', async () => {
    const member = await registerVerified(fastify(), nodeA.mail);
    const victim = await registerVerified(fastify(), nodeA.mail);
    // A scope that could never work for them is refused, at creation and by a change, and nothing is written.
    const expectAdminScopeRefused = (response: { statusCode: number; json(): { error: { type: string; param: string | null } } }) => {
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param: 'scopes.endpoints' });
    };
    expectAdminScopeRefused(await member.browser.post('/api/v1/keys', { name: 'sneaky', scopes: { endpoints: ['admin'] } }));
    const plain = await member.browser.post('/api/v1/keys', { name: 'plain', scopes: { endpoints: ['models'] } });
    expect(plain.statusCode).toBe(201);
    expectAdminScopeRefused(await member.browser.patch(`/api/v1/keys/${plain.json().id}`, { name: 'renamed', scopes: { endpoints: ['models', 'admin'] } }));
    const keys = (await member.browser.get('/api/v1/keys')).json().data as Array<{ name: string; scopes: { endpoints: string[] | null } }>;
    expect(keys.map((key) => [key.name, key.scopes.endpoints])).toEqual([['plain', ['models']]]);
    // Staff administer signed in; their keys cannot be given the scope either.
    const staff = await signInStaff(nodeA.app, 'superadmin');
    expectAdminScopeRefused(await staff.browser.post('/api/v1/keys', { name: 'staff-admin', scopes: { endpoints: ['admin'] } }));
    const ownerAdminKey = await fastify().inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(nodeA.ownerKey), payload: { name: 'owner-admin', scopes: { endpoints: ['admin'] } } });
    expect(ownerAdminKey.statusCode, ownerAdminKey.body).toBe(201);
    const attempts = [
      await member.browser.get(`/api/v1/admin/users/${victim.userId}`),
      await member.browser.post(`/api/v1/admin/users/${victim.userId}/status`, { status: 'suspended', reason: 'I do not like them' }),
      await member.browser.get('/api/v1/admin/plans'),
      await fastify().inject({ method: 'GET', url: `/api/v1/admin/users/${victim.userId}`, headers: bearer(plain.json().key) }),
      await fastify().inject({ method: 'POST', url: `/api/v1/admin/users/${victim.userId}/status`, headers: bearer(plain.json().key), payload: { status: 'suspended', reason: 'x' } }),
      await fastify().inject({ method: 'GET', url: '/api/v1/admin/plans', headers: bearer(plain.json().key) }),
      await fastify().inject({ method: 'GET', url: `/api/v1/admin/users/${victim.userId}`, headers: bearer(nodeA.ownerKey) }),
    ];
    for (const response of attempts) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.type).toBe('permission_error');
    }
    expect((await fastify().inject({ method: 'GET', url: `/api/v1/admin/users/${victim.userId}` })).statusCode).toBe(401);
    expect(await statusOf(victim.userId)).toBe('active');
  });

  it('ADM-6 roles: support reads but cannot change states; only superadmin changes staff; billing manages plans', async () => {
    const customer = await registerVerified(fastify(), nodeA.mail);
    const support = await signInStaff(nodeA.app, 'support');
    const moderator = await signInStaff(nodeA.app, 'moderator');
    const superadmin = await signInStaff(nodeA.app, 'superadmin');
    const billing = await signInStaff(nodeA.app, 'billing');

    expect((await support.browser.get(`/api/v1/admin/users/${customer.userId}`)).statusCode).toBe(200);
    const refused = await support.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'suspended', reason: 'Trying' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('support');
    expect(await statusOf(customer.userId)).toBe('active');

    // Staff on staff: a moderator may not suspend support staff; a superadmin may; nobody changes themselves.
    expect((await moderator.browser.post(`/api/v1/admin/users/${support.userId}/status`, { status: 'suspended', reason: 'Rivalry' })).statusCode).toBe(403);
    expect(await statusOf(support.userId)).toBe('active');
    expect((await superadmin.browser.post(`/api/v1/admin/users/${superadmin.userId}/status`, { status: 'restricted', reason: 'Self' })).statusCode).toBe(403);
    expect((await superadmin.browser.post(`/api/v1/admin/users/${support.userId}/status`, { status: 'suspended', reason: 'Left the company' })).statusCode).toBe(200);
    // The suspended staff member's session no longer administers anything.
    await expect.poll(async () => (await support.browser.get(`/api/v1/admin/users/${customer.userId}`)).statusCode, { timeout: 1000, interval: 20 }).toBe(401);

    // Plans: billing and superadmin sessions may, moderators may not; writes need the CSRF token.
    expect((await billing.browser.get('/api/v1/admin/plans')).statusCode).toBe(200);
    expect((await moderator.browser.get('/api/v1/admin/plans')).statusCode).toBe(403);
    const forged = await billing.browser.request({ method: 'PUT', url: '/api/v1/admin/plans/free/assignments', payload: { owner_type: 'user', owner_id: customer.userId }, withCsrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('csrf_token_invalid');
    const assigned = await billing.browser.request({ method: 'PUT', url: '/api/v1/admin/plans/monthly/assignments', payload: { owner_type: 'user', owner_id: customer.userId } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    // The owner's admin-scoped key keeps working.
    const ownerAdmin = await nodeA.app.services.apiKeys.create(nodeA.app.owner.id, { name: 'admin', scopes: { models: null, endpoints: ['admin'] } }, testActor);
    const byOwner = await fastify().inject({ method: 'POST', url: `/api/v1/admin/users/${customer.userId}/status`, headers: bearer(ownerAdmin.secret), payload: { status: 'restricted', reason: 'Owner decision' } });
    expect(byOwner.statusCode, byOwner.body).toBe(200);
    expect(byOwner.json().status_history.at(-1)).toMatchObject({ to_status: 'restricted', actor_user_id: nodeA.app.owner.id });
    expect((await fastify().inject({ method: 'GET', url: '/api/v1/admin/plans', headers: bearer(ownerAdmin.secret) })).statusCode).toBe(200);
  });

  it('ACC-10 bad status changes get clear errors and change nothing', async () => {
    const customer = await registerVerified(fastify(), nodeA.mail);
    const moderator = await signInStaff(nodeA.app, 'moderator');
    const cases: Array<[unknown, string]> = [
      [{ status: 'banned', reason: 'x' }, 'status'],
      [{ status: 'suspended' }, 'reason'],
      [{ status: 'suspended', reason: '' }, 'reason'],
      [{ status: 'suspended', reason: '   ' }, 'reason'],
      [{ status: 'active', reason: 'Already active' }, 'status'],
    ];
    for (const [payload, param] of cases) {
      const response = await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param });
    }
    const unknown = await moderator.browser.post('/api/v1/admin/users/user_doesnotexist/status', { status: 'suspended', reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    const owner = await moderator.browser.post(`/api/v1/admin/users/${nodeA.app.owner.id}/status`, { status: 'suspended', reason: 'x' });
    expect(owner.statusCode).toBe(403);
    const withoutCsrf = await moderator.browser.post(`/api/v1/admin/users/${customer.userId}/status`, { status: 'suspended', reason: 'x' }, { withCsrf: false });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(await statusOf(customer.userId)).toBe('active');
    expect((await moderator.browser.get(`/api/v1/admin/users/${customer.userId}`)).json().status_history).toEqual([]);
    expect(await verifyAuditChain(await new SqlAuditLog(nodeA.database.db, nodeA.database.dialect).list({ afterSequence: 0, limit: 100_000 }))).toMatchObject({ isIntact: true });
  });
});
