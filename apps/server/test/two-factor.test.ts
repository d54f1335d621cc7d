import { hashOpaqueToken, verifyAuditChain } from '@charter/core';
import { SqlAuditLog } from '@charter/storage';
import { tamperedToken, testDialects, tokenFromEmail } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified, TestBrowser } from './browser-client.js';
import { registerWithTwoFactor, TestAuthenticator } from './two-factor-client.js';

describe.each(testDialects)('two-factor authentication on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect);
  });
  afterAll(async () => {
    await test?.close();
  });
  const fastify = () => test.app.fastify;
  const credentialRow = (userId: string) => test.database.db.selectFrom('two_factor_credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
  const recoveryRows = (userId: string) => test.database.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  const auditActions = async (userId: string) => (await test.database.db.selectFrom('audit_events').select('action').where('target_id', '=', userId).orderBy('sequence').execute()).map((row) => row.action);
  /** Password sign-in from `browser`; returns the challenge token it must answer. */
  const challengeFor = async (browser: TestBrowser, fields: { email: string; password: string }) => {
    const response = await browser.post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().status).toBe('second_factor_required');
    return response.json<{ challenge_token: string }>().challenge_token;
  };
  const secondFactor = (browser: TestBrowser, challengeToken: string, code: string) => browser.post('/api/v1/auth/sign-in/second-factor', { challenge_token: challengeToken, code });

  it('ACC-4 enrols with a QR code and the secret sealed at rest, turns on with a code, emails, and sign-in then needs the code', async () => {
    const { browser, fields, userId } = await registerVerified(fastify(), test.mail);
    expect((await browser.get('/api/v1/account/two-factor')).json()).toEqual({ object: 'two_factor', enabled: false, enabled_at: null, recovery_codes_remaining: 0, setup_pending: false });

    // Setup asks for the password again.
    const withoutPassword = await browser.post('/api/v1/account/two-factor/setup', {});
    expect(withoutPassword.statusCode).toBe(401);
    expect(withoutPassword.json().error.code).toBe('reauthentication_required');
    expect((await browser.post('/api/v1/account/two-factor/setup', { password: 'not-my-password-at-all' })).json().error.code).toBe('invalid_credentials');
    expect(await credentialRow(userId)).toBeUndefined();

    const setupResponse = await browser.post('/api/v1/account/two-factor/setup', { password: fields.password });
    expect(setupResponse.statusCode, setupResponse.body).toBe(200);
    expect(setupResponse.headers['cache-control']).toBe('no-store');
    const setup = setupResponse.json<{ otpauth_uri: string; qr_code: string; secret: string; expires_at: string }>();
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(setup.otpauth_uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(setup.secret);
    expect(uri.searchParams.get('issuer')).toBe('Charter');
    expect(decodeURIComponent(uri.pathname)).toContain(fields.email);
    expect(setup.qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(setup.qr_code.split(',')[1]!, 'base64').toString('utf8')).toContain('<svg');
    expect(new Date(setup.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect((await browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: false, setup_pending: true });

    // The pending secret is sealed (PRV-9), not stored as it was shown.
    const pending = await credentialRow(userId);
    expect(pending?.pending_secret_sealed).toMatch(/^ce1\.[A-Za-z0-9_-]+\./);
    expect(JSON.stringify(pending)).not.toContain(setup.secret);
    expect(pending?.secret_sealed).toBeNull();

    const authenticator = new TestAuthenticator(setup.secret);
    const wrong = await browser.post('/api/v1/account/two-factor/enable', { code: await authenticator.wrongCode() });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ param: 'code', type: 'invalid_request_error' });
    expect((await browser.get('/api/v1/account/two-factor')).json().enabled).toBe(false);

    const enabled = await browser.post('/api/v1/account/two-factor/enable', { code: await authenticator.freshCode() });
    expect(enabled.statusCode, enabled.body).toBe(200);
    const codes = enabled.json<{ object: string; codes: string[] }>();
    expect(codes.object).toBe('recovery_codes');
    expect(codes.codes).toHaveLength(10);
    expect(new Set(codes.codes).size).toBe(10);
    expect((await browser.get('/api/v1/account')).json().two_factor_enabled).toBe(true);
    expect((await browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: true, recovery_codes_remaining: 10, setup_pending: false });

    // At rest: the secret sealed, the recovery codes hashed.
    const row = await credentialRow(userId);
    expect(row?.secret_sealed).toMatch(/^ce1\./);
    expect(row?.pending_secret_sealed).toBeNull();
    expect(JSON.stringify(row)).not.toContain(setup.secret);
    const stored = JSON.stringify(await recoveryRows(userId));
    for (const code of codes.codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll('-', ''));
    }
    await test.mail.waitFor((message) => message.to.includes(fields.email) && message.subject === 'Two-factor authentication is on');

    // Enabling again is refused until it is turned off.
    expect((await browser.post('/api/v1/account/two-factor/setup', { password: fields.password })).statusCode).toBe(409);

    // Sign out; signing in now stops at the second factor, without a session.
    expect((await browser.post('/api/v1/auth/sign-out')).statusCode).toBe(204);
    const signIn = await browser.post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(signIn.statusCode).toBe(200);
    expect(Object.keys(signIn.json()).sort()).toEqual(['challenge_token', 'status']);
    expect(signIn.cookies.find((cookie) => cookie.name === 'charter_session')).toBeUndefined();
    expect((await browser.get('/api/v1/account')).statusCode).toBe(401);
    const challengeToken = signIn.json().challenge_token as string;

    const refused = await secondFactor(browser, challengeToken, await authenticator.wrongCode());
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_credentials');
    expect((await browser.get('/api/v1/account')).statusCode).toBe(401);

    // The code that turned it on was used: it cannot sign in (replay).
    const replayedEnableCode = await secondFactor(browser, challengeToken, await authenticator.lastCode());
    expect(replayedEnableCode.statusCode).toBe(401);

    const code = await authenticator.freshCode();
    const completed = await secondFactor(browser, challengeToken, code);
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({ status: 'signed_in', object: 'session_state', user: { id: userId, two_factor_enabled: true } });
    expect(completed.cookies.find((cookie) => cookie.name === 'charter_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect((await browser.get('/api/v1/account')).statusCode).toBe(200);

    // The same code again, in a new sign-in, is a replay.
    await browser.post('/api/v1/auth/sign-out');
    const again = await challengeFor(browser, fields);
    const replay = await secondFactor(browser, again, code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_credentials');
    expect((await secondFactor(browser, again, await authenticator.freshCode())).statusCode).toBe(200);

    expect(await auditActions(userId)).toEqual(expect.arrayContaining(['user.two_factor_setup_started', 'user.two_factor_enabled']));
    expect(test.logs()).not.toContain(setup.secret);
    expect(test.logs()).not.toContain(codes.codes[0]);
  });

  it('ACC-4 a recovery code signs in once; regenerating needs password and code and replaces them all', async () => {
    const { browser, fields, userId, recoveryCodes, authenticator } = await registerWithTwoFactor(fastify(), test.mail);
    await browser.post('/api/v1/auth/sign-out');
    const first = await challengeFor(browser, fields);
    // Typed loosely: upper case, spaces for dashes.
    const typed = recoveryCodes[0]!.toUpperCase().replaceAll('-', ' ');
    const used = await secondFactor(browser, first, typed);
    expect(used.statusCode, used.body).toBe(200);
    expect((await browser.get('/api/v1/account/two-factor')).json().recovery_codes_remaining).toBe(9);
    await browser.post('/api/v1/auth/sign-out');
    const second = await challengeFor(browser, fields);
    expect((await secondFactor(browser, second, recoveryCodes[0]!)).statusCode).toBe(401);
    expect((await secondFactor(browser, second, recoveryCodes[1]!)).statusCode).toBe(200);
    expect(await auditActions(userId)).toContain('user.recovery_code_used');
    // The holder hears of each use, with what is left: no secret in the email.
    const isNotice = (message: { to: string[]; subject: string }) => message.to.includes(fields.email) && message.subject === 'A recovery code was used';
    const first9 = await test.mail.waitFor((message) => isNotice(message) && message.text.includes('9 recovery codes are left'));
    await test.mail.waitFor((message) => isNotice(message) && message.text.includes('8 recovery codes are left'));
    expect(test.mail.messages.filter(isNotice)).toHaveLength(2);
    expect(first9.text).toContain('/settings/security');
    for (const code of recoveryCodes) expect(test.mail.messages.filter(isNotice).map((message) => message.text).join('\n')).not.toContain(code);

    const withoutCode = await browser.post('/api/v1/account/two-factor/recovery-codes', { password: fields.password });
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().error.code).toBe('reauthentication_required');
    const withoutPassword = await browser.post('/api/v1/account/two-factor/recovery-codes', { code: await authenticator.freshCode() });
    expect(withoutPassword.json().error.code).toBe('reauthentication_required');
    const regenerated = await browser.post('/api/v1/account/two-factor/recovery-codes', { password: fields.password, code: await authenticator.freshCode() });
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    const fresh = regenerated.json<{ codes: string[] }>().codes;
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[2]);
    expect((await browser.get('/api/v1/account/two-factor')).json().recovery_codes_remaining).toBe(10);
    expect(await recoveryRows(userId)).toHaveLength(10);
    await browser.post('/api/v1/auth/sign-out');
    const third = await challengeFor(browser, fields);
    expect((await secondFactor(browser, third, recoveryCodes[2]!)).statusCode).toBe(401);
    expect((await secondFactor(browser, third, fresh[0]!)).statusCode).toBe(200);
    expect(await auditActions(userId)).toContain('user.recovery_codes_regenerated');
  });

  it('ACC-4 challenge tokens: tampered, expired, used and other-device challenges fail', async () => {
    const { browser, fields, recoveryCodes } = await registerWithTwoFactor(fastify(), test.mail);
    await browser.post('/api/v1/auth/sign-out');
    const challengeToken = await challengeFor(browser, fields);

    const tampered = await secondFactor(browser, tamperedToken(challengeToken), recoveryCodes[0]!);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().error).toMatchObject({ code: 'invalid_token', param: 'challenge_token' });

    // Another browser (no device cookie, or another device's) cannot complete it, even with a right code …
    const elsewhere = new TestBrowser(fastify());
    expect((await secondFactor(elsewhere, challengeToken, recoveryCodes[0]!)).json().error.code).toBe('invalid_token');
    const otherDevice = new TestBrowser(fastify());
    await challengeFor(otherDevice, fields);
    expect(otherDevice.cookies.get('charter_device')).not.toBe(browser.cookies.get('charter_device'));
    expect((await secondFactor(otherDevice, challengeToken, recoveryCodes[0]!)).json().error.code).toBe('invalid_token');
    expect(otherDevice.cookies.has('charter_session')).toBe(false);
    // … and those attempts did not burn the code or the challenge on the right device.
    const completed = await secondFactor(browser, challengeToken, recoveryCodes[0]!);
    expect(completed.statusCode, completed.body).toBe(200);

    // Used: a challenge completes once.
    const reused = await secondFactor(new TestBrowser(fastify()), challengeToken, recoveryCodes[1]!);
    expect(reused.json().error.code).toBe('invalid_token');
    browser.cookies.delete('charter_session');
    expect((await secondFactor(browser, challengeToken, recoveryCodes[1]!)).json().error.code).toBe('invalid_token');

    // Expired: five minutes after it was issued.
    const late = await challengeFor(browser, fields);
    await test.database.db.updateTable('one_time_tokens').set({ expires_at: Date.now() - 1 }).where('token_hash', '=', hashOpaqueToken(late)).execute();
    const expired = await secondFactor(browser, late, recoveryCodes[1]!);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.code).toBe('invalid_token');
    const issued = await test.database.db.selectFrom('one_time_tokens').select(['created_at', 'expires_at', 'purpose']).where('token_hash', '=', hashOpaqueToken(await challengeFor(browser, fields))).executeTakeFirstOrThrow();
    expect(issued.purpose).toBe('second_factor_challenge');
    expect(issued.expires_at - issued.created_at).toBe(5 * 60 * 1000);
    // The challenge token is stored hashed only.
    expect(JSON.stringify(await test.database.db.selectFrom('one_time_tokens').selectAll().execute())).not.toContain(late);
  });

  it('ACC-4 throttles code guessing per challenge and per account', async () => {
    const { browser, fields, recoveryCodes, authenticator } = await registerWithTwoFactor(fastify(), test.mail);
    await browser.post('/api/v1/auth/sign-out');
    const guess = (index: number) => (index % 2 === 0 ? authenticator.wrongCode() : Promise.resolve(`zzzz-zzzz-zzzz-zzz${index}`));
    const first = await challengeFor(browser, fields);
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await secondFactor(browser, first, await guess(attempt))).statusCode).toBe(401);
    const blocked = await secondFactor(browser, first, recoveryCodes[0]!);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('too_many_attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // A new challenge gets its own five, but the account's budget of ten (one went on turning it on) runs out
    // across challenges.
    const second = await challengeFor(browser, fields);
    for (let attempt = 5; attempt < 9; attempt += 1) expect((await secondFactor(browser, second, await guess(attempt))).statusCode).toBe(401);
    const third = await challengeFor(browser, fields);
    expect((await secondFactor(browser, third, recoveryCodes[0]!)).statusCode).toBe(429);
    expect((await browser.get('/api/v1/account')).statusCode).toBe(401);
  });

  it('ACC-4 user A can neither enable, disable nor see B’s two-factor authentication', async () => {
    const alice = await registerVerified(fastify(), test.mail);
    const bob = await registerVerified(fastify(), test.mail);
    const aliceSetup = (await alice.browser.post('/api/v1/account/two-factor/setup', { password: alice.fields.password })).json<{ secret: string }>();
    const aliceAuthenticator = new TestAuthenticator(aliceSetup.secret);

    // Every endpoint acts on the caller's own account: Bob sees his state, not Alice's pending setup …
    expect((await bob.browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: false, setup_pending: false });
    // … and cannot confirm her setup with her code.
    const bobEnables = await bob.browser.post('/api/v1/account/two-factor/enable', { code: await aliceAuthenticator.freshCode() });
    expect(bobEnables.statusCode).toBe(400);
    expect(bobEnables.json().error.param).toBe('code');
    expect(await credentialRow(bob.userId)).toBeUndefined();
    expect((await alice.browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: false, setup_pending: true });
    expect((await alice.browser.post('/api/v1/account/two-factor/enable', { code: await aliceAuthenticator.freshCode() })).statusCode).toBe(200);

    // Bob cannot turn off Alice's, even with her code: his own is what the endpoint acts on.
    expect((await bob.browser.post('/api/v1/account/two-factor/disable', { code: await aliceAuthenticator.lastCode() })).statusCode).toBe(409);
    expect((await alice.browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: true, recovery_codes_remaining: 10 });

    // Once both have it, codes of one are no codes of the other.
    const bobSetup = (await bob.browser.post('/api/v1/account/two-factor/setup', { password: bob.fields.password })).json<{ secret: string }>();
    const bobAuthenticator = new TestAuthenticator(bobSetup.secret);
    const bobCodes = (await bob.browser.post('/api/v1/account/two-factor/enable', { code: await bobAuthenticator.freshCode() })).json<{ codes: string[] }>().codes;
    expect((await alice.browser.post('/api/v1/account/two-factor/disable', { code: bobCodes[0] })).statusCode).toBe(401);
    expect((await alice.browser.post('/api/v1/account/two-factor/disable', { code: await bobAuthenticator.freshCode() })).statusCode).toBe(401);
    await alice.browser.post('/api/v1/auth/sign-out');
    const aliceChallenge = await challengeFor(alice.browser, alice.fields);
    expect((await secondFactor(alice.browser, aliceChallenge, bobCodes[1]!)).statusCode).toBe(401);
    expect((await bob.browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: true, recovery_codes_remaining: 10 });
    expect((await credentialRow(alice.userId))?.secret_sealed).toBeTruthy();

    // A sealed secret copied into another user's row does not open there (bound to its user).
    const aliceRow = (await credentialRow(alice.userId))!;
    const bobRowBefore = (await credentialRow(bob.userId))!;
    await test.database.db.updateTable('two_factor_credentials').set({ secret_sealed: aliceRow.secret_sealed }).where('user_id', '=', bob.userId).execute();
    await expect(test.app.services.accounts.twoFactor.checker.verify(bob.userId, await aliceAuthenticator.freshCode())).rejects.toThrow(/altered or belongs elsewhere/);
    await test.database.db.updateTable('two_factor_credentials').set({ secret_sealed: bobRowBefore.secret_sealed }).where('user_id', '=', bob.userId).execute();

    // An API key cannot manage two-factor authentication; a cookie write without the CSRF token is refused.
    const key = (await bob.browser.post('/api/v1/keys', { name: 'bob' })).json<{ key: string }>().key;
    expect((await fastify().inject({ method: 'GET', url: '/api/v1/account/two-factor', headers: bearer(key) })).statusCode).toBe(401);
    expect((await fastify().inject({ method: 'POST', url: '/api/v1/account/two-factor/disable', headers: bearer(key), payload: { password: bob.fields.password } })).statusCode).toBe(401);
    const forged = await bob.browser.post('/api/v1/account/two-factor/disable', { password: bob.fields.password }, { withCsrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('csrf_token_invalid');
    expect((await bob.browser.get('/api/v1/account/two-factor')).json().enabled).toBe(true);
  });

  it('ACC-4 turning off needs a fresh code or the password, emails, and sign-in is one step again', async () => {
    const { browser, fields, userId, authenticator } = await registerWithTwoFactor(fastify(), test.mail);
    const nothing = await browser.post('/api/v1/account/two-factor/disable', {});
    expect(nothing.statusCode).toBe(401);
    expect(nothing.json().error.code).toBe('reauthentication_required');
    expect((await browser.post('/api/v1/account/two-factor/disable', { password: 'not-my-password-at-all' })).json().error.code).toBe('invalid_credentials');
    // The code that turned it on is spent: not fresh.
    expect((await browser.post('/api/v1/account/two-factor/disable', { code: await authenticator.lastCode() })).json().error.code).toBe('invalid_credentials');
    // A right password with a wrong code is still refused: every proof given must hold.
    expect((await browser.post('/api/v1/account/two-factor/disable', { password: fields.password, code: '12345x' })).statusCode).toBe(401);
    expect((await credentialRow(userId))?.secret_sealed).toBeTruthy();

    const disabled = await browser.post('/api/v1/account/two-factor/disable', { code: await authenticator.freshCode() });
    expect(disabled.statusCode, disabled.body).toBe(204);
    expect(await credentialRow(userId)).toBeUndefined();
    expect(await recoveryRows(userId)).toHaveLength(0);
    expect((await browser.get('/api/v1/account')).json().two_factor_enabled).toBe(false);
    await test.mail.waitFor((message) => message.to.includes(fields.email) && message.subject === 'Two-factor authentication was turned off');
    await browser.post('/api/v1/auth/sign-out');
    expect((await browser.post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password })).json().status).toBe('signed_in');
    expect(await auditActions(userId)).toContain('user.two_factor_disabled');

    // With the password alone.
    const other = await registerWithTwoFactor(fastify(), test.mail);
    expect((await other.browser.post('/api/v1/account/two-factor/disable', { password: other.fields.password })).statusCode).toBe(204);
    expect((await other.browser.get('/api/v1/account/two-factor')).json().enabled).toBe(false);
    expect(await verifyAuditChain(await new SqlAuditLog(test.database.db, test.database.dialect).list({ afterSequence: 0, limit: 100_000 }))).toMatchObject({ isIntact: true });
  });

  it('ACC-4 a password reset does not turn two-factor authentication off', async () => {
    const { fields, authenticator } = await registerWithTwoFactor(fastify(), test.mail);
    const anonymous = new TestBrowser(fastify());
    await anonymous.post('/api/v1/auth/password-reset', { email: fields.email });
    const message = await test.mail.waitFor((candidate) => candidate.to.includes(fields.email) && candidate.subject === 'Reset your password');
    expect((await anonymous.post('/api/v1/auth/password-reset/confirm', { token: tokenFromEmail(message), password: 'fresh-juniper-lighthouse-3' })).json().two_factor_enabled).toBe(true);
    const challengeToken = await challengeFor(anonymous, { email: fields.email, password: 'fresh-juniper-lighthouse-3' });
    expect((await anonymous.get('/api/v1/account')).statusCode).toBe(401);
    expect((await secondFactor(anonymous, challengeToken, await authenticator.freshCode())).statusCode).toBe(200);
  });

  it('ACC-4 bad input gets clear 400s and changes nothing', async () => {
    const { browser, fields, userId, recoveryCodes } = await registerWithTwoFactor(fastify(), test.mail);
    const before = JSON.stringify([await credentialRow(userId), await recoveryRows(userId)]);
    const cases: Array<[string, unknown, string]> = [
      ['/api/v1/account/two-factor/enable', { code: 'abc' }, 'code'],
      ['/api/v1/account/two-factor/enable', {}, 'code'],
      ['/api/v1/account/two-factor/disable', { code: '1' }, 'code'],
      ['/api/v1/account/two-factor/disable', { password: 42 }, 'password'],
      ['/api/v1/account/two-factor/recovery-codes', { password: fields.password, code: 'x'.repeat(33) }, 'code'],
      ['/api/v1/account/two-factor/setup', { password: 'x'.repeat(1025) }, 'password'],
      ['/api/v1/auth/sign-in/second-factor', { challenge_token: 'short', code: '123456' }, 'challenge_token'],
      ['/api/v1/auth/sign-in/second-factor', { challenge_token: 'a'.repeat(43) }, 'code'],
    ];
    for (const [url, payload, param] of cases) {
      const response = await browser.post(url, payload);
      expect(response.statusCode, `${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(response.json().error).toMatchObject({ type: 'invalid_request_error', param, message: expect.any(String) });
    }
    const notJson = await browser.request({ method: 'POST', url: '/api/v1/auth/sign-in/second-factor', payload: '{"challenge_token":', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    expect(JSON.stringify([await credentialRow(userId), await recoveryRows(userId)])).toBe(before);
    expect((await browser.get('/api/v1/account/two-factor')).json()).toMatchObject({ enabled: true, recovery_codes_remaining: recoveryCodes.length });
  });

  it('ACC-9 deleting an account with two-factor authentication asks for a code too', async () => {
    const { browser, fields, authenticator } = await registerWithTwoFactor(fastify(), test.mail);
    const passwordOnly = await browser.post('/api/v1/account/delete', { password: fields.password });
    expect(passwordOnly.statusCode).toBe(401);
    expect(passwordOnly.json().error).toMatchObject({ code: 'reauthentication_required', message: expect.stringContaining('code') });
    expect((await browser.post('/api/v1/account/delete', { password: fields.password, code: await authenticator.lastCode() })).json().error.code).toBe('invalid_credentials');
    expect((await browser.get('/api/v1/account')).statusCode).toBe(200);
    const deleted = await browser.post('/api/v1/account/delete', { password: fields.password, code: await authenticator.freshCode() });
    expect(deleted.statusCode, deleted.body).toBe(202);
    const afterwards = await new TestBrowser(fastify()).post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password });
    expect(afterwards.json().error.code).toBe('account_unavailable');
  });
});
