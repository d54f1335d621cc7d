import { verifyAuditChain } from '@charter/core';
import { SqlAuditLog } from '@charter/storage';
import { tamperedToken, testDialects, tokenFromEmail } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified, registration, TestBrowser } from './browser-client.js';

describe.each(testDialects)('accounts on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect);
  });
  afterAll(async () => {
    await test?.close();
  });
  const fastify = () => test.app.fastify;
  const countUsers = async () => Number((await test.database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow()).count);

  it('ACC-1 registers with attestation and acceptances, sets an HttpOnly SameSite=Lax session cookie, and emails a verification link', async () => {
    const browser = new TestBrowser(fastify(), { ipAddress: '198.51.100.7', userAgent: 'Firefox/140' });
    const fields = registration({ email: `  Mixed.Case-${dialect}@Example.COM ` });
    const response = await browser.post('/api/v1/auth/register', fields);
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body.user).toMatchObject({ email: `mixed.case-${dialect}@example.com`, email_verified: false, status: 'active', country: 'DE' });
    const sessionCookie = response.cookies.find((cookie) => cookie.name === 'charter_session');
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(sessionCookie?.secure).toBeFalsy();

    const acceptances = await test.database.db.selectFrom('legal_acceptances').selectAll().where('user_id', '=', body.user.id).orderBy('document').execute();
    expect(acceptances.map((row) => [row.document, row.version, row.ip_address, row.user_agent, row.method])).toEqual([
      ['privacy', '2026-11-01', '198.51.100.7', 'Firefox/140', 'registration'],
      ['terms', '2026-11-01', '198.51.100.7', 'Firefox/140', 'registration'],
    ]);
    const row = await test.database.db.selectFrom('users').selectAll().where('id', '=', body.user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.age_attested_at).toBeGreaterThan(0);
    expect(JSON.stringify(row)).not.toContain('1990-04-12');

    const message = await test.mail.waitFor((candidate) => candidate.to.includes(`mixed.case-${dialect}@example.com`));
    expect(message.subject).toBe('Verify your email address');
    const token = tokenFromEmail(message);
    const verified = await browser.post('/api/v1/auth/verify-email', { token });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().email_verified).toBe(true);
    // Single use: the same link fails the second time.
    const replayed = await browser.post('/api/v1/auth/verify-email', { token });
    expect(replayed.statusCode).toBe(400);
    expect(replayed.json().error.code).toBe('invalid_token');
    const tampered = await browser.post('/api/v1/auth/verify-email', { token: tamperedToken(token) });
    expect(tampered.json().error.code).toBe('invalid_token');
  });

  it('ACC-1 refuses under-age people with a clear message and stores nothing', async () => {
    const before = await countUsers();
    const today = new Date();
    const seventeen = `${today.getUTCFullYear() - 17}-01-01`;
    const response = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration({ date_of_birth: seventeen }));
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({ code: 'registration_refused', message: expect.stringContaining('at least 18') });
    // The age of majority where they live: 19 in South Korea, 21 in Mississippi.
    const twenty = `${today.getUTCFullYear() - 20}-01-01`;
    const mississippi = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration({ date_of_birth: twenty, country: 'US', region: 'US-MS' }));
    expect(mississippi.json().error.message).toContain('at least 21');
    expect(await countUsers()).toBe(before);
  });

  it('ACC-1 rejects bad input with OpenAI-style errors and writes nothing', async () => {
    const before = await countUsers();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'not-an-email' }, 'email'],
      [{ password: 'password1234' }, 'password'],
      [{ password: 'short' }, 'password'],
      [{ date_of_birth: '1990-02-30' }, 'date_of_birth'],
      [{ country: 'D1' }, 'country'],
      [{ accept_terms_version: '2020-01-01' }, 'accept_terms_version'],
    ];
    for (const [override, param] of cases) {
      const response = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration(override));
      expect(response.statusCode, JSON.stringify(override)).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param });
    }
    const malformed = await fastify().inject({ method: 'POST', url: '/api/v1/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(malformed.statusCode).toBe(400);
    expect(await countUsers()).toBe(before);
  });

  it('ACC-1 refuses a second account with the same email, whatever its case', async () => {
    const { fields } = await registerVerified(fastify(), test.mail);
    const again = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration({ email: fields.email.toUpperCase() }));
    expect(again.statusCode).toBe(409);
  });

  it('ACC-2 refuses declared sanctioned countries and regions, and audits the refusal', async () => {
    for (const [country, region] of [['IR', null], ['KP', null], ['UA', 'UA-43']] as const) {
      const response = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration({ country, region }));
      expect(response.statusCode, `${country} ${region}`).toBe(403);
      expect(response.json().error.code).toBe('registration_refused');
    }
    const kyiv = await new TestBrowser(fastify()).post('/api/v1/auth/register', registration({ country: 'UA', region: 'UA-30' }));
    expect(kyiv.statusCode).toBe(201);
    const refusals = await test.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.registration_refused').execute();
    expect(refusals.map((event) => JSON.parse(event.details_json).reason)).toEqual(expect.arrayContaining(['sanctioned_declared_region']));
  });

  it('ACC-3 signs in, rotates no cookie secrets into logs, and lists and revokes sessions', async () => {
    const { fields, userId } = await registerVerified(fastify(), test.mail);
    const laptop = new TestBrowser(fastify(), { userAgent: 'Laptop' });
    const signIn = await laptop.post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json()).toMatchObject({ status: 'signed_in', user: { id: userId, email_verified: true } });
    const sessions = await laptop.get('/api/v1/account/sessions');
    expect(sessions.statusCode).toBe(200);
    const list = sessions.json().data as Array<{ id: string; is_current: boolean; user_agent: string }>;
    expect(list.length).toBeGreaterThanOrEqual(2);
    const current = list.find((session) => session.is_current);
    expect(current?.user_agent).toBe('Laptop');
    const other = list.find((session) => !session.is_current)!;
    expect((await laptop.post(`/api/v1/account/sessions/${other.id}/revoke`)).statusCode).toBe(204);
    expect((await laptop.get('/api/v1/account/sessions')).json().data.map((session: { id: string }) => session.id)).not.toContain(other.id);
    // Signing out ends this session: the cookie no longer works even if replayed.
    const cookie = laptop.cookies.get('charter_session')!;
    expect((await laptop.post('/api/v1/auth/sign-out')).statusCode).toBe(204);
    const replay = await fastify().inject({ method: 'GET', url: '/api/v1/account', headers: { cookie: `charter_session=${cookie}` } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_session');
    expect(test.logs()).not.toContain(cookie);
    expect(test.logs()).not.toContain(fields.password);
  });

  it('ACC-3 answers the same for a wrong password and an unknown email', async () => {
    const { fields } = await registerVerified(fastify(), test.mail);
    const wrong = await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: fields.email, password: 'not-the-password-at-all' });
    const unknown = await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: `nobody-${dialect}@example.com`, password: 'not-the-password-at-all' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('ACC-3 refuses a cookie-authenticated write without the CSRF token, and changes nothing', async () => {
    const { browser, userId } = await registerVerified(fastify(), test.mail);
    const before = await test.database.db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirstOrThrow();
    const withoutToken = await browser.request({ method: 'PATCH', url: '/api/v1/account', payload: { display_name: 'Changed by a forged form' }, withCsrf: false });
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json().error.code).toBe('csrf_token_invalid');
    const wrongToken = await browser.request({ method: 'PATCH', url: '/api/v1/account', payload: { display_name: 'Changed by a forged form' }, headers: { 'x-csrf-token': 'AAAA' }, withCsrf: false });
    expect(wrongToken.statusCode).toBe(403);
    const keyAttempt = await browser.post('/api/v1/keys', { name: 'forged' }, { withCsrf: false });
    expect(keyAttempt.statusCode).toBe(403);
    const after = await test.database.db.selectFrom('users').select('display_name').where('id', '=', userId).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const allowed = await browser.patch('/api/v1/account', { display_name: 'Renamed' });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json().display_name).toBe('Renamed');
  });

  it('ACC-3 throttles password guessing per account but lets the holder in from a known device', async () => {
    const { fields, browser } = await registerVerified(fastify(), test.mail);
    // The holder's device is known: it signed in (registered) before.
    let throttled = false;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const attacker = new TestBrowser(fastify(), { ipAddress: `192.0.2.${attempt + 1}` });
      const response = await attacker.post('/api/v1/auth/sign-in', { email: fields.email, password: `wrong-guess-number-${attempt}` });
      if (response.statusCode === 429) {
        throttled = true;
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        expect(response.json().error.code).toBe('too_many_attempts');
      }
    }
    expect(throttled).toBe(true);
    // A new device is throttled even with the right password …
    const newDevice = await new TestBrowser(fastify(), { ipAddress: '192.0.2.200' }).post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(newDevice.statusCode).toBe(429);
    // … but the holder's known device is not.
    const holder = await browser.post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(holder.statusCode, holder.body).toBe(200);
  });

  it('ACC-3 resets a password by a single-use link that ends every session and expires', async () => {
    const { fields, browser } = await registerVerified(fastify(), test.mail);
    const oldCookie = browser.cookies.get('charter_session')!;
    const anonymous = new TestBrowser(fastify());
    const unknown = await anonymous.post('/api/v1/auth/password-reset', { email: `nobody-${dialect}-x@example.com` });
    const requested = await anonymous.post('/api/v1/auth/password-reset', { email: fields.email });
    expect(requested.statusCode).toBe(202);
    expect(unknown.json()).toEqual(requested.json());
    const message = await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Reset your password');
    const token = tokenFromEmail(message);
    const weak = await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    const reset = await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: 'new-magnolia-harbour-42' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await anonymous.post('/api/v1/auth/password-reset/confirm', { token, password: 'another-fresh-password-9' })).json().error.code).toBe('invalid_token');
    const old = await fastify().inject({ method: 'GET', url: '/api/v1/account', headers: { cookie: `charter_session=${oldCookie}` } });
    expect(old.statusCode).toBe(401);
    expect((await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password })).statusCode).toBe(401);
    expect((await browser.post('/api/v1/auth/sign-in', { email: fields.email, password: 'new-magnolia-harbour-42' })).statusCode).toBe(200);
    await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Your password was changed');
  });

  it('ACC-1 an unverified email cannot create keys; a verified one can, is told by email, and uses the key', async () => {
    const browser = new TestBrowser(fastify());
    const fields = registration();
    await browser.post('/api/v1/auth/register', fields);
    const refused = await browser.post('/api/v1/keys', { name: 'too early' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('email_not_verified');
    const message = await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Verify your email address');
    await browser.post('/api/v1/auth/verify-email', { token: tokenFromEmail(message) });
    const created = await browser.post('/api/v1/keys', { name: 'laptop' });
    expect(created.statusCode, created.body).toBe(201);
    await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'A new API key was created');
    const models = await fastify().inject({ method: 'GET', url: '/v1/models', headers: bearer(created.json().key) });
    expect(models.statusCode).toBe(200);
  });

  it('ACC-3 user A can neither see nor revoke B’s sessions or keys', async () => {
    const alice = await registerVerified(fastify(), test.mail);
    const bob = await registerVerified(fastify(), test.mail);
    const bobKey = (await bob.browser.post('/api/v1/keys', { name: 'bob' })).json();
    const bobSessions = (await bob.browser.get('/api/v1/account/sessions')).json().data as Array<{ id: string }>;
    expect((await alice.browser.post(`/api/v1/account/sessions/${bobSessions[0]!.id}/revoke`)).statusCode).toBe(404);
    expect((await alice.browser.get(`/api/v1/keys/${bobKey.id}`)).statusCode).toBe(404);
    expect((await alice.browser.post(`/api/v1/keys/${bobKey.id}/revoke`)).statusCode).toBe(404);
    expect((await alice.browser.get('/api/v1/keys')).json().data.map((key: { id: string }) => key.id)).not.toContain(bobKey.id);
    expect((await bob.browser.get('/api/v1/account')).statusCode).toBe(200);
    // An API key cannot manage the account that owns it.
    expect((await fastify().inject({ method: 'GET', url: '/api/v1/account', headers: bearer(bobKey.key) })).statusCode).toBe(401);
  });

  it('ACC-8 "this wasn\'t me" from the new-sign-in email locks the account, revokes sessions and keys, and recovers by reset', async () => {
    const { fields, browser, userId } = await registerVerified(fastify(), test.mail);
    const key = (await browser.post('/api/v1/keys', { name: 'victim key' })).json();
    const intruder = new TestBrowser(fastify(), { ipAddress: '192.0.2.99', userAgent: 'Intruder' });
    expect((await intruder.post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password })).statusCode).toBe(200);
    const notice = await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'New sign-in to your account');
    expect(notice.text).toContain('192.0.2.99');
    const reported = await new TestBrowser(fastify()).post('/api/v1/auth/report-compromise', { token: tokenFromEmail(notice) });
    expect(reported.statusCode, reported.body).toBe(202);
    expect((await intruder.get('/api/v1/account')).statusCode).toBe(401);
    expect((await browser.get('/api/v1/account')).statusCode).toBe(401);
    expect((await fastify().inject({ method: 'GET', url: '/v1/models', headers: bearer(key.key) })).statusCode).toBe(401);
    const locked = await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(locked.json().error.code).toBe('account_unavailable');
    const recovery = await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Your account is locked');
    const recovered = await new TestBrowser(fastify()).post('/api/v1/auth/password-reset/confirm', { token: tokenFromEmail(recovery), password: 'recovered-lantern-meadow-7' });
    expect(recovered.statusCode, recovered.body).toBe(200);
    expect((await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: fields.email, password: 'recovered-lantern-meadow-7' })).statusCode).toBe(200);
    const audit = await test.database.db.selectFrom('audit_events').select('action').where('target_id', '=', userId).execute();
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(['user.compromise_reported', 'user.unlocked', 'user.password_changed']));
    expect(await verifyAuditChain(await new SqlAuditLog(test.database.db, test.database.dialect).list({ afterSequence: 0, limit: 100_000 }))).toMatchObject({ isIntact: true });
  });

  it('ACC-9 deletes the account after re-authentication; nothing authenticates afterwards', async () => {
    const { fields, browser } = await registerVerified(fastify(), test.mail);
    const key = (await browser.post('/api/v1/keys', { name: 'to be deleted' })).json();
    const withoutPassword = await browser.post('/api/v1/account/delete', {});
    expect(withoutPassword.statusCode).toBe(401);
    expect(withoutPassword.json().error.code).toBe('reauthentication_required');
    const wrongPassword = await browser.post('/api/v1/account/delete', { password: 'not-my-password-at-all' });
    expect(wrongPassword.statusCode).toBe(401);
    expect((await browser.get('/api/v1/account')).statusCode).toBe(200);
    const deleted = await browser.post('/api/v1/account/delete', { password: fields.password });
    expect(deleted.statusCode, deleted.body).toBe(202);
    expect((await fastify().inject({ method: 'GET', url: '/v1/models', headers: bearer(key.key) })).statusCode).toBe(401);
    expect((await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password })).json().error.code).toBe('account_unavailable');
    const reset = await new TestBrowser(fastify()).post('/api/v1/auth/password-reset', { email: fields.email });
    expect(reset.statusCode).toBe(202);
    await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Your account was deleted');
    expect(test.mail.messages.filter((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Reset your password')).toHaveLength(0);
  });
});
