import { testDialects } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified } from './browser-client.js';
import { signInStaff } from './staff-helpers.js';

const profile = {
  name: 'Ilse Marwenka',
  contact_person: 'Tomasz Reiherbeck',
  phone: '+49 30 5550123',
  address: { line1: 'Nebelgasse 7', line2: null, city: 'Berlin', postal_code: '10115', region: 'Berlin', country: 'de' },
  company_name: 'Marwenka Feinmechanik GmbH',
  company_registration_number: 'HRB 999001 B',
};

describe.each(testDialects)('customer profile on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect);
  });
  afterAll(async () => {
    await test?.close();
  });
  const fastify = () => test.app.fastify;
  const profileAudit = async (userId: string) =>
    test.database.db.selectFrom('audit_events').select(['action', 'details_json', 'actor_user_id']).where('target_id', '=', userId).where('action', 'like', 'user.profile%').orderBy('sequence').execute();

  it('ACC-6 the customer keeps the profile current; the email is the account’s; changes are audited without values', async () => {
    const { browser, fields, userId } = await registerVerified(fastify(), test.mail);
    const empty = await browser.get('/api/v1/account/profile');
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ object: 'customer_profile', user_id: userId, email: fields.email, name: null, revision: 0, verification: { status: 'unverified' } });
    expect(empty.json().verification).not.toHaveProperty('note');

    const saved = await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: profile });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ ...profile, address: { ...profile.address, country: 'DE' }, email: fields.email, revision: 1 });
    expect((await browser.get('/api/v1/account/profile')).json()).toEqual(saved.json());

    // Saving the same again changes nothing and audits nothing.
    expect((await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: profile })).json().revision).toBe(1);
    const changed = await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: { ...profile, phone: '+49 30 5550999', company_name: null } });
    expect(changed.json()).toMatchObject({ phone: '+49 30 5550999', company_name: null, revision: 2 });

    const audit = await profileAudit(userId);
    expect(audit.map((event) => [event.action, JSON.parse(event.details_json).fields])).toEqual([
      ['user.profile_updated', 'name,contact_person,phone,address,company_name,company_registration_number'],
      ['user.profile_updated', 'phone,company_name'],
    ]);
    const auditText = JSON.stringify(audit);
    for (const value of ['Marwenka', '5550', 'Nebelgasse', 'HRB']) expect(auditText).not.toContain(value);
  });

  it('ACC-6 bad input and forged writes get clear errors and change nothing', async () => {
    const { browser } = await registerVerified(fastify(), test.mail);
    await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: profile });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...profile, phone: 'call me maybe' }, 'phone'],
      [{ ...profile, address: { ...profile.address, country: 'Germany' } }, 'address.country'],
      [{ ...profile, name: 'x'.repeat(201) }, 'name'],
      [{ ...profile, contact_person: 'Line\nbreak' }, 'contact_person'],
      [{ ...profile, favourite_colour: 'blue' }, ''],
    ];
    for (const [payload, param] of cases) {
      const response = await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.type).toBe('invalid_request_error');
      if (param) expect(response.json().error.param).toBe(param);
    }
    const forged = await browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: { ...profile, name: 'Forged' }, withCsrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('csrf_token_invalid');
    expect((await browser.get('/api/v1/account/profile')).json()).toMatchObject({ name: profile.name, phone: profile.phone, revision: 1 });
  });

  it('ACC-6 a user reads and changes only their own profile; keys cannot reach it', async () => {
    const alice = await registerVerified(fastify(), test.mail);
    const bob = await registerVerified(fastify(), test.mail);
    await bob.browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: profile });
    const aliceView = await alice.browser.get('/api/v1/account/profile');
    expect(aliceView.json()).toMatchObject({ user_id: alice.userId, name: null });
    // There is no user id in the account routes; the staff route is closed to customers.
    const viaAdmin = await alice.browser.get(`/api/v1/admin/users/${bob.userId}`);
    expect(viaAdmin.statusCode).toBe(403);
    expect(viaAdmin.body).not.toContain(profile.name);
    const verify = await alice.browser.post(`/api/v1/admin/users/${bob.userId}/profile/verification`, { status: 'rejected' });
    expect(verify.statusCode).toBe(403);
    const aliceKey = (await alice.browser.post('/api/v1/keys', { name: 'k' })).json().key as string;
    expect((await fastify().inject({ method: 'GET', url: '/api/v1/account/profile', headers: bearer(aliceKey) })).statusCode).toBe(401);
    expect((await bob.browser.get('/api/v1/account/profile')).json()).toMatchObject({ name: profile.name, verification: { status: 'unverified' } });
  });

  it('ACC-6 staff with profiles.verify verify the revision they saw; a later change by the customer resets it', async () => {
    const customer = await registerVerified(fastify(), test.mail);
    const support = await signInStaff(test.app, 'support');
    const moderator = await signInStaff(test.app, 'moderator');
    const verificationUrl = `/api/v1/admin/users/${customer.userId}/profile/verification`;
    const nothingYet = await support.browser.post(verificationUrl, { status: 'verified' });
    expect(nothingYet.statusCode).toBe(400);
    await customer.browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: profile });

    expect((await moderator.browser.post(verificationUrl, { status: 'verified', revision: 1 })).statusCode).toBe(403);
    const bad = await support.browser.post(verificationUrl, { status: 'approved' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('status');
    const staffView = await support.browser.get(`/api/v1/admin/users/${customer.userId}`);
    expect(staffView.json().profile).toMatchObject({ name: profile.name, revision: 1, verification: { status: 'unverified', note: null } });

    const verified = await support.browser.post(verificationUrl, { status: 'verified', note: 'Passport and register extract checked', revision: 1 });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().verification).toMatchObject({ status: 'verified', note: 'Passport and register extract checked' });
    const customerView = (await customer.browser.get('/api/v1/account/profile')).json();
    expect(customerView.verification.status).toBe('verified');
    expect(customerView.verification).not.toHaveProperty('note');

    // The customer moves: the verification no longer covers the details, so it resets.
    const moved = await customer.browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: { ...profile, address: { ...profile.address, line1: 'Andere Straße 1' } } });
    expect(moved.json()).toMatchObject({ revision: 2, verification: { status: 'unverified' } });
    // A decision on the version staff saw earlier is refused.
    const stale = await support.browser.post(verificationUrl, { status: 'verified', revision: 1 });
    expect(stale.statusCode).toBe(409);
    expect((await customer.browser.get('/api/v1/account/profile')).json().verification.status).toBe('unverified');
    expect((await support.browser.post(verificationUrl, { status: 'rejected', note: 'Address proof missing', revision: 2 })).json().verification.status).toBe('rejected');

    // Staff cannot verify themselves.
    await support.browser.request({ method: 'PUT', url: '/api/v1/account/profile', payload: profile });
    expect((await support.browser.post(`/api/v1/admin/users/${support.userId}/profile/verification`, { status: 'verified' })).statusCode).toBe(403);

    const audit = await profileAudit(customer.userId);
    expect(audit.map((event) => event.action)).toEqual(['user.profile_updated', 'user.profile_verification_changed', 'user.profile_updated', 'user.profile_verification_changed']);
    expect(JSON.parse(audit[1]!.details_json)).toMatchObject({ fromStatus: 'unverified', toStatus: 'verified', revision: 1, staffRole: 'support' });
    expect(JSON.parse(audit[2]!.details_json)).toMatchObject({ fields: 'address', verificationReset: true });
    expect(audit[1]!.actor_user_id).toBe(support.userId);
    expect(JSON.stringify(audit)).not.toContain('Passport');
  });
});
