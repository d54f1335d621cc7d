import { Argon2PasswordHasher } from '@charter/credentials';
import { SignInService, type SsoCallbackOutcome, ssoIdentityHash, systemClock } from '@charter/core';
import { SqlAuditLog, SqlIdentityBlocklist, SqlKnownDeviceRepository } from '@charter/storage';
import { followRedirects, startFakeGitHub, startTestOidcProvider, tamperedToken, testDialects, tokenFromEmail, type FakeGitHub, type TestOidcAccount, type TestOidcProvider } from '@charter/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createSso, createSsoProviders } from '../src/sso.js';
import { startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified, TestBrowser } from './browser-client.js';

const publicUrl = 'http://charter.test';
const oidcId = 'test-oidc';
const callbackUrlOf = (providerId: string) => `${publicUrl}/api/v1/auth/sso/${providerId}/callback`;

let counter = 0;
function uniqueAccount(overrides: Partial<TestOidcAccount> = {}): TestOidcAccount {
  counter += 1;
  const tag = `${counter}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  return { subject: `oidc-subject-${tag}`, email: `sso-${tag}@example.org`, emailVerified: true, name: `SSO Person ${counter}`, ...overrides };
}

/** The registration form's fields besides the token. */
function formFields(overrides: Record<string, unknown> = {}) {
  return { display_name: 'Ada Provider', date_of_birth: '1988-03-02', country: 'DE', accept_terms_version: '2026-11-01', accept_privacy_version: '2026-11-01', ...overrides };
}

function fragmentOf(response: LightMyRequestResponse): { path: string; fragment: URLSearchParams } {
  const location = String(response.headers.location ?? '');
  const [path, fragment] = location.split('#');
  return { path: path!, fragment: new URLSearchParams(fragment ?? '') };
}

describe.each(testDialects)('single sign-on on %s', (dialect) => {
  let test: TestApp;
  let oidc: TestOidcProvider;
  let github: FakeGitHub;
  beforeAll(async () => {
    oidc = await startTestOidcProvider({ redirectUris: [callbackUrlOf(oidcId)] });
    github = await startFakeGitHub();
    test = await startTestApp(dialect, {
      config: {
        publicUrl,
        accounts: {
          sso: {
            providers: [
              { id: oidcId, kind: 'oidc', displayName: 'Test OIDC', issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret, allowInsecureHttp: true },
              { preset: 'github', clientId: github.clientId, clientSecret: github.clientSecret, authorizationEndpoint: github.authorizationEndpoint, tokenEndpoint: github.tokenEndpoint, apiUrl: github.apiUrl, allowInsecureHttp: true },
            ],
          },
        },
      },
    });
  });
  afterAll(async () => {
    await test?.close();
    await oidc?.close();
    await github?.close();
  });
  const fastify = () => test.app.fastify;
  const db = () => test.database.db;
  const identitiesOf = (userId: string) => db().selectFrom('sso_identities').selectAll().where('user_id', '=', userId).execute();

  /** Start at the app, let the provider sign in, and return the callback URL it sent the browser to. */
  async function toProvider(browser: TestBrowser, providerId: string, query = 'intent=sign_in'): Promise<string> {
    const started = await browser.get(`/api/v1/auth/sso/${providerId}/start?${query}`);
    expect(started.statusCode, started.body).toBe(303);
    return followRedirects(String(started.headers.location), callbackUrlOf(providerId));
  }
  const callback = (browser: TestBrowser, callbackUrl: string) => {
    const url = new URL(callbackUrl);
    return browser.get(`${url.pathname}${url.search}`);
  };
  const roundTrip = async (browser: TestBrowser, providerId: string, query?: string) => callback(browser, await toProvider(browser, providerId, query));

  /** A new person through the OIDC provider to a finished registration; returns the signed-in browser. */
  async function registerThroughSso(account: TestOidcAccount, fields: Record<string, unknown> = {}) {
    oidc.signInAs(account);
    const browser = new TestBrowser(fastify());
    const redirected = await roundTrip(browser, oidcId);
    const { path, fragment } = fragmentOf(redirected);
    expect(path, String(redirected.headers.location)).toBe('/register/sso');
    const registered = await browser.post('/api/v1/auth/sso/register', { token: fragment.get('token'), ...formFields(fields) });
    expect(registered.statusCode, registered.body).toBe(201);
    return { browser, userId: registered.json().user.id as string, body: registered.json() };
  }

  it('ACC-5 lists the configured providers for the sign-in page', async () => {
    const response = await new TestBrowser(fastify()).get('/api/v1/auth/sso/providers');
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual([
      { object: 'sso_provider', id: oidcId, display_name: 'Test OIDC' },
      { object: 'sso_provider', id: 'github', display_name: 'GitHub' },
    ]);
  });

  it('ACC-5 start redirects to the provider with PKCE S256, state and nonce, kept server-side behind an HttpOnly cookie', async () => {
    const browser = new TestBrowser(fastify());
    const started = await browser.get(`/api/v1/auth/sso/${oidcId}/start`);
    expect(started.statusCode).toBe(303);
    const location = new URL(String(started.headers.location));
    expect(location.origin).toBe(oidc.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('redirect_uri')).toBe(callbackUrlOf(oidcId));
    const binding = started.cookies.find((cookie) => cookie.name === 'charter_sso');
    expect(binding).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth/sso/' });
    // Neither the state, nor the verifier, nor the nonce is in the cookie: it is only a random binding.
    expect(binding!.value).not.toContain(location.searchParams.get('state'));
    const stored = await db().selectFrom('sso_authorization_requests').selectAll().where('provider_id', '=', oidcId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(stored.state_hash).not.toBe(location.searchParams.get('state'));
    expect(stored.nonce).toBe(location.searchParams.get('nonce'));

    const unknown = await browser.get('/api/v1/auth/sso/nope/start');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ type: 'invalid_request_error', param: 'provider' });
  });

  it('ACC-5 a new person registers through the provider: screened like any registration, no password, email verified by the provider', async () => {
    const account = uniqueAccount({ name: 'Grace Provider' });
    oidc.signInAs(account);
    const browser = new TestBrowser(fastify(), { ipAddress: '198.51.100.77', userAgent: 'SsoBrowser/1.0' });
    const redirected = await roundTrip(browser, oidcId);
    expect(redirected.statusCode).toBe(303);
    const { path, fragment } = fragmentOf(redirected);
    expect(path).toBe('/register/sso');
    const token = fragment.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The claims stay server-side: nothing about the person is in the URL.
    expect(String(redirected.headers.location)).not.toContain(account.email!);
    expect(redirected.cookies.find((cookie) => cookie.name === 'charter_session')).toBeUndefined();

    const preview = await browser.post('/api/v1/auth/sso/register/preview', { token });
    expect(preview.json()).toMatchObject({ provider: oidcId, email: account.email, email_verified: true, name: 'Grace Provider' });

    const usersBefore = await db().selectFrom('users').select('id').execute();
    const underAge = await browser.post('/api/v1/auth/sso/register', { token, ...formFields({ date_of_birth: `${new Date().getUTCFullYear() - 16}-01-01` }) });
    expect(underAge.statusCode).toBe(403);
    expect(underAge.json().error).toMatchObject({ code: 'registration_refused', message: expect.stringContaining('at least 18') });
    const oldTerms = await browser.post('/api/v1/auth/sso/register', { token, ...formFields({ accept_terms_version: '2001-01-01' }) });
    expect(oldTerms.statusCode).toBe(400);
    expect(oldTerms.json().error).toMatchObject({ type: 'invalid_request_error', param: 'accept_terms_version' });
    const missing = await browser.post('/api/v1/auth/sso/register', { token });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.type).toBe('invalid_request_error');
    expect(await db().selectFrom('users').select('id').execute()).toHaveLength(usersBefore.length);

    // A refused form leaves the token usable, so the person can correct it.
    const registered = await browser.post('/api/v1/auth/sso/register', { token, ...formFields() });
    expect(registered.statusCode, registered.body).toBe(201);
    const user = registered.json().user;
    expect(user).toMatchObject({ email: account.email, email_verified: true, display_name: 'Ada Provider', country: 'DE', has_password: false });
    expect(browser.cookies.has('charter_session')).toBe(true);
    const session = await browser.get('/api/v1/auth/session');
    expect(session.statusCode).toBe(200);
    const sessionRow = await db().selectFrom('sessions').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(sessionRow.method).toBe('sso');

    const row = await db().selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
    expect(row.age_attested_at).toBeGreaterThan(0);
    const acceptances = await db().selectFrom('legal_acceptances').selectAll().where('user_id', '=', user.id).orderBy('document').execute();
    expect(acceptances.map((acceptance) => [acceptance.document, acceptance.method, acceptance.ip_address, acceptance.user_agent])).toEqual([
      ['privacy', 'sso_registration', '198.51.100.77', 'SsoBrowser/1.0'],
      ['terms', 'sso_registration', '198.51.100.77', 'SsoBrowser/1.0'],
    ]);
    expect((await identitiesOf(user.id)).map((identity) => [identity.provider_id, identity.issuer, identity.subject])).toEqual([[oidcId, oidc.issuer, account.subject]]);

    const replayed = await new TestBrowser(fastify()).post('/api/v1/auth/sso/register', { token, ...formFields() });
    expect(replayed.statusCode).toBe(400);
    expect(replayed.json().error.code).toBe('invalid_token');
    const tampered = await new TestBrowser(fastify()).post('/api/v1/auth/sso/register', { token: tamperedToken(token), ...formFields() });
    expect(tampered.json().error.code).toBe('invalid_token');

    // Without a password, the account sets one through the emailed link, and then says it has one.
    expect((await browser.get('/api/v1/account')).json().has_password).toBe(false);
    await browser.post('/api/v1/auth/password-reset', { email: account.email });
    const link = await test.mail.waitFor((message) => message.to.includes(account.email!) && message.subject === 'Reset your password');
    const withPassword = await new TestBrowser(fastify()).post('/api/v1/auth/password-reset/confirm', { token: tokenFromEmail(link), password: 'quiet-harbour-lantern-42' });
    expect(withPassword.statusCode, withPassword.body).toBe(200);
    expect(withPassword.json()).toMatchObject({ id: user.id, has_password: true });
  });

  it('ACC-5 an email the provider did not verify is verified by our own email link', async () => {
    const account = uniqueAccount({ emailVerified: false });
    const { browser, body } = await registerThroughSso(account);
    expect(body.user.email_verified).toBe(false);
    const message = await test.mail.waitFor((candidate) => candidate.to.includes(account.email!) && candidate.subject === 'Verify your email address');
    const verified = await browser.post('/api/v1/auth/verify-email', { token: tokenFromEmail(message) });
    expect(verified.json().email_verified).toBe(true);
  });

  it('ACC-5 a linked identity signs in and lands on return_to with the session cookie', async () => {
    const account = uniqueAccount();
    const { userId } = await registerThroughSso(account);
    oidc.signInAs(account);
    const browser = new TestBrowser(fastify());
    const signedIn = await roundTrip(browser, oidcId, `return_to=${encodeURIComponent('/chat?c=42')}`);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/chat?c=42');
    const sessionCookie = signedIn.cookies.find((cookie) => cookie.name === 'charter_session');
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const session = await browser.get('/api/v1/auth/session');
    expect(session.json().user.id).toBe(userId);
    const [identity] = await identitiesOf(userId);
    expect(identity!.last_used_at).toBeGreaterThan(0);

    const list = await browser.get('/api/v1/account/sso-identities');
    expect(list.json().data).toEqual([expect.objectContaining({ object: 'sso_identity', provider: oidcId, email: account.email })]);
  });

  it('ACC-4 ACC-5 a linked identity of an account with a second factor gets a challenge bound to SSO, not a session', async () => {
    const account = uniqueAccount();
    const { userId } = await registerThroughSso(account);
    const accounts = test.app.services.accounts;
    const audit = new SqlAuditLog(db(), test.database.dialect);
    // The app's own wiring, with a second-factor gate that says this account has one (as the 2FA capability will).
    const signIn = new SignInService({
      users: accounts.users,
      sessions: accounts.sessions,
      passwordHasher: new Argon2PasswordHasher(),
      knownDevices: new SqlKnownDeviceRepository(db()),
      tokens: accounts.tokens,
      throttle: accounts.throttle,
      notifier: accounts.notifier,
      audit,
      clock: systemClock,
      logger: fastify().log,
      secondFactor: { isRequired: async (candidate) => candidate === userId },
    });
    const sso = createSso({ config: test.app.config, database: test.database, accounts: { ...accounts, signIn }, audit, logger: fastify().log });
    const origin = { ipAddress: '203.0.113.9', userAgent: 'TwoFactor/1.0' };
    const sessionsBefore = await db().selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
    oidc.signInAs(account);
    const started = await sso.service.start({ providerId: oidcId, intent: 'sign_in', returnTo: '/chat', session: null, origin });
    const callbackUrl = await followRedirects(started.authorizationUrl, callbackUrlOf(oidcId));
    const outcome: SsoCallbackOutcome = await sso.service.callback({ providerId: oidcId, parameters: new URL(callbackUrl).searchParams, bindingToken: started.bindingToken, session: null, origin, deviceToken: 'device-of-the-two-factor-test' });
    expect(outcome).toMatchObject({ kind: 'signed_in', returnTo: '/chat', result: { kind: 'second_factor_required' } });
    if (outcome.kind !== 'signed_in' || outcome.result.kind !== 'second_factor_required') throw new Error('unreachable');
    const challenge = await accounts.tokens.peek('second_factor_challenge', outcome.result.challengeToken);
    expect(challenge.userId).toBe(userId);
    expect(challenge.subject).toMatch(/^sso:[0-9a-f]{64}$/);
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).toHaveLength(sessionsBefore.length);
  });

  it('ACC-5 never links or signs in by a matching email: the person must sign in with the existing account first', async () => {
    const existing = await registerVerified(fastify(), test.mail);
    const account = uniqueAccount({ email: existing.fields.email.toLowerCase() });
    oidc.signInAs(account);
    const browser = new TestBrowser(fastify());
    const redirected = await roundTrip(browser, oidcId);
    const { path, fragment } = fragmentOf(redirected);
    expect(path).toBe('/sign-in');
    expect(fragment.get('sso_error')).toBe('email_in_use');
    expect(fragment.get('provider')).toBe(oidcId);
    expect(browser.cookies.has('charter_session')).toBe(false);
    expect(await identitiesOf(existing.userId)).toEqual([]);
    expect(await db().selectFrom('sso_identities').select('id').where('subject', '=', account.subject).execute()).toEqual([]);
  });

  it('ACC-5 links a provider from a signed-in session, after which it signs in to that account; never to a second account', async () => {
    const owner = await registerVerified(fastify(), test.mail);
    const account = uniqueAccount({ email: `other-${Date.now()}@example.net` });
    oidc.signInAs(account);
    const linked = await roundTrip(owner.browser, oidcId, 'intent=link');
    const { path, fragment } = fragmentOf(linked);
    expect(path).toBe('/settings/security');
    expect(fragment.get('sso_linked')).toBe(oidcId);
    const identities = await identitiesOf(owner.userId);
    expect(identities.map((identity) => identity.subject)).toEqual([account.subject]);
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'sso_identity.linked').where('actor_user_id', '=', owner.userId).execute();
    expect(audit).toHaveLength(1);
    await test.mail.waitFor((candidate) => candidate.to.includes(owner.fields.email.toLowerCase()) && candidate.subject.includes('sign-in was added'));

    const fresh = new TestBrowser(fastify());
    const signedIn = await roundTrip(fresh, oidcId);
    expect(signedIn.headers.location).toBe('/');
    expect((await fresh.get('/api/v1/auth/session')).json().user.id).toBe(owner.userId);

    // Another account cannot take the same identity.
    const other = await registerVerified(fastify(), test.mail);
    const refused = await roundTrip(other.browser, oidcId, 'intent=link');
    expect(fragmentOf(refused)).toMatchObject({ path: '/settings/security' });
    expect(fragmentOf(refused).fragment.get('sso_error')).toBe('identity_in_use');
    expect(await identitiesOf(other.userId)).toEqual([]);

    // Linking needs a signed-in session.
    const anonymous = await new TestBrowser(fastify()).get(`/api/v1/auth/sso/${oidcId}/start?intent=link`);
    expect(anonymous.statusCode).toBe(303);
    expect(fragmentOf(anonymous).fragment.get('sso_error')).toBe('not_signed_in');
  });

  it('ACC-5 a callback with a changed state, a replayed callback, and a callback in another browser all fail', async () => {
    const account = uniqueAccount();
    oidc.signInAs(account);
    const usersBefore = (await db().selectFrom('users').select('id').execute()).length;

    const browser = new TestBrowser(fastify());
    const callbackUrl = new URL(await toProvider(browser, oidcId));
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'A'.repeat(43));
    const mismatch = await callback(browser, forged.href);
    expect(fragmentOf(mismatch)).toMatchObject({ path: '/sign-in' });
    expect(fragmentOf(mismatch).fragment.get('sso_error')).toBe('invalid_state');

    // The binding cookie was cleared by the failed attempt, as a browser would: start again, then replay.
    const second = new TestBrowser(fastify());
    const secondUrl = await toProvider(second, oidcId);
    const [bindingName, bindingValue] = [...second.cookies].find(([name]) => name === 'charter_sso')!;
    const first = await callback(second, secondUrl);
    expect(fragmentOf(first).path).toBe('/register/sso');
    second.cookies.set(bindingName, bindingValue);
    const replayed = await callback(second, secondUrl);
    expect(fragmentOf(replayed).fragment.get('sso_error')).toBe('invalid_state');

    // Login CSRF: a callback URL planted in a browser that did not start the round trip.
    const attacker = new TestBrowser(fastify());
    const planted = await toProvider(attacker, oidcId);
    const victim = new TestBrowser(fastify());
    const victimResult = await callback(victim, planted);
    expect(fragmentOf(victimResult).fragment.get('sso_error')).toBe('invalid_state');
    expect(victim.cookies.has('charter_session')).toBe(false);
    expect((await db().selectFrom('users').select('id').execute()).length).toBe(usersBefore);
  });

  it('ACC-5 a tampered binding cookie fails, and the tampered attempt cannot be finished afterwards', async () => {
    oidc.signInAs(uniqueAccount());
    const browser = new TestBrowser(fastify());
    const callbackUrl = await toProvider(browser, oidcId);
    const original = browser.cookies.get('charter_sso')!;
    browser.cookies.set('charter_sso', tamperedToken(original));
    const tampered = await callback(browser, callbackUrl);
    expect(fragmentOf(tampered).fragment.get('sso_error')).toBe('invalid_state');
    expect(browser.cookies.has('charter_session')).toBe(false);
    // The provider's code was never redeemed by us with the wrong cookie; with the right one it still works once.
    browser.cookies.set('charter_sso', original);
    const genuine = await callback(browser, callbackUrl);
    expect(fragmentOf(genuine).path).toBe('/register/sso');
  });

  it('ACC-5 the library checks the nonce and PKCE: a request whose stored nonce or verifier differs fails, and a cancel is reported', async () => {
    const latestRequest = () => db().selectFrom('sso_authorization_requests').select('id').orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    oidc.signInAs(uniqueAccount());
    const nonceBrowser = new TestBrowser(fastify());
    const nonceCallback = await toProvider(nonceBrowser, oidcId);
    await db().updateTable('sso_authorization_requests').set({ nonce: 'a-different-nonce-than-the-id-token-has' }).where('id', '=', (await latestRequest()).id).execute();
    const nonceResult = await callback(nonceBrowser, nonceCallback);
    expect(fragmentOf(nonceResult).fragment.get('sso_error')).toBe('provider_error');

    const pkceBrowser = new TestBrowser(fastify());
    const pkceCallback = await toProvider(pkceBrowser, oidcId);
    await db().updateTable('sso_authorization_requests').set({ code_verifier: 'x'.repeat(43) }).where('id', '=', (await latestRequest()).id).execute();
    const pkceResult = await callback(pkceBrowser, pkceCallback);
    expect(fragmentOf(pkceResult).fragment.get('sso_error')).toBe('provider_error');
    expect(pkceBrowser.cookies.has('charter_session')).toBe(false);

    const cancelBrowser = new TestBrowser(fastify());
    const started = await cancelBrowser.get(`/api/v1/auth/sso/${oidcId}/start`);
    const state = new URL(String(started.headers.location)).searchParams.get('state')!;
    const cancelled = await cancelBrowser.get(`/api/v1/auth/sso/${oidcId}/callback?${new URLSearchParams({ error: 'access_denied', state, iss: oidc.issuer })}`);
    expect(fragmentOf(cancelled).fragment.get('sso_error')).toBe('access_denied');
  });

  it('ACC-5 return_to must be a local path: other origins fall back to the default', async () => {
    const account = uniqueAccount();
    await registerThroughSso(account);
    for (const evil of ['https://evil.example/steal', '//evil.example', '/\\evil.example', '/%09/evil.example', '\t//evil.example', 'javascript:alert(1)', '/\t/evil.example']) {
      oidc.signInAs(account);
      const browser = new TestBrowser(fastify());
      const signedIn = await roundTrip(browser, oidcId, `return_to=${encodeURIComponent(evil)}`);
      expect(signedIn.statusCode, evil).toBe(303);
      const location = String(signedIn.headers.location);
      expect(location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\'), `${evil} → ${location}`).toBe(true);
      expect(new URL(location, 'http://charter.test').origin, evil).toBe('http://charter.test');
    }
  });

  it('ACC-10 terminating an account blocks its linked SSO identities, so they can never register again', async () => {
    const account = uniqueAccount();
    const { userId } = await registerThroughSso(account);
    const staff = { userId: 'user_staff_for_test', role: 'superadmin' as const, isInstanceOwner: false };
    await test.app.services.accounts.statuses.changeStatus({ userId, status: 'terminated', reason: 'Repeated abuse' }, staff, { userId: null, apiKeyId: null, requestId: null, via: 'system' });
    oidc.signInAs(account);
    const refused = await roundTrip(new TestBrowser(fastify()), oidcId);
    expect(fragmentOf(refused).fragment.get('sso_error')).toBe('identity_blocked');
  });

  it('ACC-10 an identity on the terminated-identity blocklist can never register again', async () => {
    const account = uniqueAccount();
    oidc.signInAs(account);
    // A registration started before the block is refused when it is completed, too.
    const early = new TestBrowser(fastify());
    const pending = fragmentOf(await roundTrip(early, oidcId)).fragment.get('token');
    await new SqlIdentityBlocklist(db()).block({ identityHash: ssoIdentityHash(oidc.issuer, account.subject), kind: 'sso_subject', reason: 'terminated', blockedAt: new Date() });

    const refused = await roundTrip(new TestBrowser(fastify()), oidcId);
    expect(fragmentOf(refused).fragment.get('sso_error')).toBe('identity_blocked');
    const completed = await early.post('/api/v1/auth/sso/register', { token: pending, ...formFields() });
    expect(completed.statusCode).toBe(403);
    expect(completed.json().error.code).toBe('registration_refused');
    expect(await db().selectFrom('users').select('id').where('email', '=', account.email).execute()).toEqual([]);
  });

  it('ACC-5 A cannot list or unlink B\'s identities', async () => {
    const alice = await registerThroughSso(uniqueAccount());
    const bob = await registerThroughSso(uniqueAccount());
    const [bobIdentity] = await identitiesOf(bob.userId);
    const aliceList = await alice.browser.get('/api/v1/account/sso-identities');
    expect(aliceList.json().data.map((identity: { id: string }) => identity.id)).not.toContain(bobIdentity!.id);
    const attempt = await alice.browser.post(`/api/v1/account/sso-identities/${bobIdentity!.id}/unlink`, {});
    expect(attempt.statusCode).toBe(404);
    expect(attempt.json().error).toMatchObject({ type: 'invalid_request_error', param: 'id' });
    expect(await identitiesOf(bob.userId)).toHaveLength(1);
    // Without the CSRF token the write is refused before anything else.
    const noCsrf = await bob.browser.post(`/api/v1/account/sso-identities/${bobIdentity!.id}/unlink`, {}, { withCsrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_token_invalid');
  });

  it('ACC-5 refuses to unlink the last way to sign in; with a password left, unlinking asks for it', async () => {
    const only = await registerThroughSso(uniqueAccount());
    const [onlyIdentity] = await identitiesOf(only.userId);
    const refused = await only.browser.post(`/api/v1/account/sso-identities/${onlyIdentity!.id}/unlink`, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ type: 'invalid_request_error', param: 'id', message: expect.stringContaining('only way to sign in') });
    expect(await identitiesOf(only.userId)).toHaveLength(1);

    const withPassword = await registerVerified(fastify(), test.mail);
    oidc.signInAs(uniqueAccount());
    await roundTrip(withPassword.browser, oidcId, 'intent=link');
    const [linked] = await identitiesOf(withPassword.userId);
    const noPassword = await withPassword.browser.post(`/api/v1/account/sso-identities/${linked!.id}/unlink`, {});
    expect(noPassword.statusCode).toBe(401);
    expect(noPassword.json().error.code).toBe('reauthentication_required');
    const wrongPassword = await withPassword.browser.post(`/api/v1/account/sso-identities/${linked!.id}/unlink`, { password: 'not-the-right-password-at-all' });
    expect(wrongPassword.statusCode).toBe(401);
    expect(await identitiesOf(withPassword.userId)).toHaveLength(1);
    const unlinked = await withPassword.browser.post(`/api/v1/account/sso-identities/${linked!.id}/unlink`, { password: withPassword.fields.password });
    expect(unlinked.statusCode, unlinked.body).toBe(204);
    expect(await identitiesOf(withPassword.userId)).toEqual([]);
  });

  it('ACC-5 an SSO-only account with two providers may remove one after a recent sign-in', async () => {
    const account = uniqueAccount();
    const { browser, userId } = await registerThroughSso(account);
    github.signInAs({ id: 8_000_000 + Math.floor(Math.random() * 1e6), login: 'second-way', name: null, emails: [{ email: `second-${Date.now()}@example.com`, primary: true, verified: true }] });
    const linked = await roundTrip(browser, 'github', 'intent=link');
    expect(fragmentOf(linked).fragment.get('sso_linked')).toBe('github');
    const [first] = await identitiesOf(userId);
    const unlinked = await browser.post(`/api/v1/account/sso-identities/${first!.id}/unlink`, {});
    expect(unlinked.statusCode, unlinked.body).toBe(204);
    const remaining = await identitiesOf(userId);
    expect(remaining.map((identity) => identity.provider_id)).toEqual(['github']);
    const notice = await test.mail.waitFor((candidate) => candidate.to.includes(account.email!) && candidate.subject === 'A sign-in provider was removed from your account');
    expect(notice.text).toContain('Signing in with Test OIDC no longer works');
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'sso_identity.unlinked').where('target_id', '=', first!.id).execute();
    expect(audit).toHaveLength(1);
    const last = await browser.post(`/api/v1/account/sso-identities/${remaining[0]!.id}/unlink`, {});
    expect(last.statusCode).toBe(400);
  });

  describe('GitHub (OAuth2 dialect, against a local stand-in for GitHub)', () => {
    let githubId = 9_000_000;
    const githubUser = (emails: Array<{ email: string; primary: boolean; verified: boolean }>) => {
      githubId += 1;
      return { id: githubId, login: `octo-${githubId}`, name: null, emails };
    };

    it('ACC-5 registers with the verified primary email, then signs in with the numeric id as the subject', async () => {
      const email = `octo-${Date.now()}@example.com`;
      const user = githubUser([{ email: `unverified-${Date.now()}@example.com`, primary: false, verified: false }, { email, primary: true, verified: true }]);
      github.signInAs(user);
      const browser = new TestBrowser(fastify());
      const redirected = await roundTrip(browser, 'github');
      const { path, fragment } = fragmentOf(redirected);
      expect(path, String(redirected.headers.location)).toBe('/register/sso');
      // PKCE: the verifier went to the token endpoint, and the stand-in checked it against the challenge.
      expect(github.tokenRequests.at(-1)?.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const preview = await browser.post('/api/v1/auth/sso/register/preview', { token: fragment.get('token') });
      expect(preview.json()).toMatchObject({ provider: 'github', email, email_verified: true, name: user.login });
      const registered = await browser.post('/api/v1/auth/sso/register', { token: fragment.get('token'), ...formFields() });
      expect(registered.statusCode, registered.body).toBe(201);
      const userId = registered.json().user.id;
      expect((await identitiesOf(userId)).map((identity) => [identity.issuer, identity.subject])).toEqual([['https://github.com', String(user.id)]]);

      const again = new TestBrowser(fastify());
      const signedIn = await roundTrip(again, 'github');
      expect(signedIn.headers.location).toBe('/');
      expect((await again.get('/api/v1/auth/session')).json().user.id).toBe(userId);
    });

    it('ACC-5 refuses a GitHub account without a verified primary email', async () => {
      github.signInAs(githubUser([{ email: `nope-${Date.now()}@example.com`, primary: true, verified: false }]));
      const redirected = await roundTrip(new TestBrowser(fastify()), 'github');
      expect(fragmentOf(redirected)).toMatchObject({ path: '/sign-in' });
      expect(fragmentOf(redirected).fragment.get('sso_error')).toBe('email_missing');
    });

    it('ACC-5 a changed state, a replay or a tampered cookie fail with GitHub as well', async () => {
      github.signInAs(githubUser([{ email: `state-${Date.now()}@example.com`, primary: true, verified: true }]));
      const browser = new TestBrowser(fastify());
      const callbackUrl = await toProvider(browser, 'github');
      const binding = browser.cookies.get('charter_sso')!;
      const forged = new URL(callbackUrl);
      forged.searchParams.set('state', 'B'.repeat(43));
      expect(fragmentOf(await callback(browser, forged.href)).fragment.get('sso_error')).toBe('invalid_state');
      browser.cookies.set('charter_sso', tamperedToken(binding));
      expect(fragmentOf(await callback(browser, callbackUrl)).fragment.get('sso_error')).toBe('invalid_state');
      browser.cookies.set('charter_sso', binding);
      expect(fragmentOf(await callback(browser, callbackUrl)).path).toBe('/register/sso');
      browser.cookies.set('charter_sso', binding);
      expect(fragmentOf(await callback(browser, callbackUrl)).fragment.get('sso_error')).toBe('invalid_state');
    });
  });
});

describe('single sign-on configuration', () => {
  const load = (providers: unknown[], env: Record<string, string> = {}) => loadConfig({ CHARTER_DATA_DIR: '/nonexistent-charter-sso-test', ...env }, { accounts: { sso: { providers } } });
  const messageOf = (action: () => unknown) => {
    try {
      action();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('ACC-5 applies the Google and GitHub presets, every endpoint overridable', () => {
    const config = load([
      { preset: 'google', clientId: 'g', clientSecret: 's' },
      { preset: 'github', clientId: 'h', clientSecretEnv: 'GH_SECRET', apiUrl: 'https://github.example.com/api/v3' },
      { id: 'keycloak', kind: 'oidc', issuer: 'https://id.example.com/realms/main', clientId: 'k', clientSecret: 's' },
    ]);
    expect(config.accounts.sso.providers).toEqual([
      expect.objectContaining({ id: 'google', kind: 'oidc', displayName: 'Google', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] }),
      expect.objectContaining({
        id: 'github',
        kind: 'github',
        issuer: 'https://github.com',
        authorizationEndpoint: 'https://github.com/login/oauth/authorize',
        tokenEndpoint: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://github.example.com/api/v3',
        scopes: ['read:user', 'user:email'],
      }),
      expect.objectContaining({ id: 'keycloak', kind: 'oidc', displayName: 'keycloak', issuer: 'https://id.example.com/realms/main' }),
    ]);
  });

  it('ACC-5 refuses incomplete or contradictory providers at start with readable errors', () => {
    const message = messageOf(() =>
      load([
        { id: 'kc', kind: 'oidc', clientId: 'k', clientSecret: 's' },
        { preset: 'google', clientId: 'g', clientSecret: 's', clientSecretEnv: 'X' },
        { preset: 'github', clientId: 'h' },
        { id: 'Bad Id', kind: 'oidc', issuer: 'https://id.example.com', clientId: 'k', clientSecret: 's' },
        { preset: 'google', clientId: 'g2', clientSecret: 's', tokenEndpoint: 'https://example.com/token' },
        { id: 'x', kind: 'saml', clientId: 'k', clientSecret: 's' },
      ]),
    );
    expect(message).toContain('accounts.sso.providers.0.issuer: An OpenID Connect provider needs its issuer URL');
    expect(message).toContain('accounts.sso.providers.1.clientSecret: Set exactly one of clientSecret or clientSecretEnv.');
    expect(message).toContain('accounts.sso.providers.2.clientSecret: Set exactly one of clientSecret or clientSecretEnv.');
    expect(message).toContain('accounts.sso.providers.3.id: Use 1 to 40 lower-case letters');
    expect(message).toContain('accounts.sso.providers.4.authorizationEndpoint: OpenID Connect endpoints come from the issuer');
    expect(message).toContain('accounts.sso.providers.5.kind');

    const duplicate = messageOf(() => load([{ preset: 'google', clientId: 'a', clientSecret: 's' }, { preset: 'google', clientId: 'b', clientSecret: 's' }]));
    expect(duplicate).toContain('accounts.sso.providers.1.id: The provider id "google" is used twice.');
  });

  it('ACC-5 a client secret named by clientSecretEnv must be set when the server starts', () => {
    const config = load([{ preset: 'github', clientId: 'h', clientSecretEnv: 'CHARTER_TEST_GITHUB_SECRET' }]);
    expect(messageOf(() => createSsoProviders(config, {}))).toContain('accounts.sso.providers.0.clientSecretEnv: the environment variable CHARTER_TEST_GITHUB_SECRET (client secret of "github") is not set');
    expect(createSsoProviders(config, { CHARTER_TEST_GITHUB_SECRET: 'secret' }).map((provider) => provider.id)).toEqual(['github']);
  });
});
