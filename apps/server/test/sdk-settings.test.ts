import { CharterApiError, CharterClient } from '@charter/sdk';
import { testDialects, tokenFromEmail } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified, type TestBrowser } from './browser-client.js';

/** The SDK as the web app uses it (session cookie, CSRF from the session answer), over `inject()`. */
async function sessionClient(browser: TestBrowser): Promise<CharterClient> {
  const fetchThroughBrowser: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://charter.test');
    const response = await browser.request({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      payload: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
      headers: init?.headers as Record<string, string>,
    });
    const headers = new Headers({ 'content-type': String(response.headers['content-type'] ?? 'application/json') });
    return new Response(response.statusCode === 204 ? null : response.body, { status: response.statusCode, headers });
  };
  const client = new CharterClient({ baseUrl: '', fetch: fetchThroughBrowser });
  await client.auth.session();
  return client;
}

// The web app's settings pages talk to the server only through these SDK calls: run them against the real
// server and database, so a path, body or type that drifted from the contracts fails here.
describe.each(testDialects)('SDK organisations and usage on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect);
  });
  afterAll(async () => {
    await test?.close();
  });
  const person = () => registerVerified(test.app.fastify, test.mail);

  it('ACC-7 create, rename, invite, accept, change a role, remove and delete through the SDK; outsiders get 404', async () => {
    const owner = await person();
    const invitee = await person();
    const ownerClient = await sessionClient(owner.browser);
    const inviteeClient = await sessionClient(invitee.browser);

    const created = await ownerClient.organizations.create('Acme');
    expect(created).toMatchObject({ object: 'organization', name: 'Acme', role: 'owner' });
    expect((await ownerClient.organizations.rename(created.id, 'Acme Labs')).name).toBe('Acme Labs');
    expect((await ownerClient.organizations.list()).data.map((organization) => organization.id)).toEqual([created.id]);
    expect(await inviteeClient.organizations.retrieve(created.id).catch((error: unknown) => (error as CharterApiError).status)).toBe(404);

    const invitation = await ownerClient.organizations.invitations.create(created.id, { email: invitee.fields.email, role: 'developer' });
    expect((await ownerClient.organizations.invitations.list(created.id)).data.map((pending) => pending.id)).toEqual([invitation.id]);
    const message = await test.mail.waitFor((candidate) => candidate.to.includes(invitee.fields.email.toLowerCase()) && candidate.subject.startsWith('You are invited'));
    const token = tokenFromEmail(message);
    // The owner's own session may not take someone else's invitation.
    const refused = await ownerClient.organizations.invitations.accept(token).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CharterApiError);
    expect((refused as CharterApiError).status).toBe(403);
    expect(await inviteeClient.organizations.invitations.accept(token)).toMatchObject({ id: created.id, role: 'developer' });

    const changed = await ownerClient.organizations.members.changeRole(created.id, invitee.userId, 'viewer');
    expect(changed).toMatchObject({ object: 'organization.member', user_id: invitee.userId, role: 'viewer' });
    expect((await ownerClient.organizations.members.list(created.id)).data.map((member) => [member.user_id, member.role]).sort()).toEqual(
      [[owner.userId, 'owner'], [invitee.userId, 'viewer']].sort(),
    );
    // A viewer may not change roles: the server refuses what the page would not offer.
    expect(await inviteeClient.organizations.members.changeRole(created.id, owner.userId, 'viewer').catch((error: unknown) => (error as CharterApiError).status)).toBe(403);

    const removal = await ownerClient.organizations.members.remove(created.id, invitee.userId, 'revoke');
    expect(removal).toMatchObject({ object: 'organization.member.removed', user_id: invitee.userId, transferred_to: null });
    expect(await inviteeClient.organizations.members.list(created.id).catch((error: unknown) => (error as CharterApiError).status)).toBe(404);

    const revocable = await ownerClient.organizations.invitations.create(created.id, { email: 'later@example.com', role: 'viewer' });
    expect(await ownerClient.organizations.invitations.revoke(created.id, revocable.id)).toBeNull();
    expect((await ownerClient.organizations.invitations.list(created.id)).data).toEqual([]);

    expect(await ownerClient.organizations.delete(created.id)).toMatchObject({ object: 'organization.deleted', id: created.id, deleted: true });
    expect((await ownerClient.organizations.list()).data).toEqual([]);
  });

  it('API-6 usage and the CSV through the SDK follow the organisation the client acts for', async () => {
    const owner = await person();
    const client = await sessionClient(owner.browser);
    const organization = await client.organizations.create('Metered');
    const personalKey = await client.keys.create({ name: 'personal' });
    client.organization = organization.id;
    const organizationKey = await client.keys.create({ name: 'organization' });
    expect((await client.keys.list()).data.map((key) => key.name)).toEqual(['organization']);

    const chat = (key: string) => test.app.fastify.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(key), payload: { model: 'fake-model', max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] } });
    for (const key of [personalKey.key, personalKey.key, organizationKey.key]) expect((await chat(key)).statusCode).toBe(200);
    await test.app.services.metering.flush();

    const range = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };
    const organizationReport = await client.usage.report({ ...range, granularity: 'hour', group_by: ['model'] });
    expect(organizationReport.totals.requests).toBe(1);
    expect(organizationReport.data.every((bucket) => bucket.model === 'fake-model')).toBe(true);
    const organizationCsv = (await (await client.usage.exportCsv(range)).text()).trim().split('\n');
    expect(organizationCsv).toHaveLength(2);

    client.organization = null;
    expect((await client.usage.report({ ...range, group_by: ['model'] })).totals.requests).toBe(2);
    expect((await (await client.usage.exportCsv(range)).text()).trim().split('\n')).toHaveLength(3);

    // Bad input is a clear error, not an empty report.
    const invalid = await client.usage.report({ from: 'yesterday', to: range.to }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(CharterApiError);
    expect((invalid as CharterApiError).status).toBe(400);
  });
});
