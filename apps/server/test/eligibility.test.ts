import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, geoIpCityRecord, testDialects, writeMmdb } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError, configSchema } from '../src/config.js';
import { startTestApp, type TestApp } from './build-test-app.js';
import { registerVerified, registration, TestBrowser } from './browser-client.js';

const crimea = '203.0.113.10';
const iran = '192.0.2.20';
const germany = '198.51.100.30';
const kyiv = '198.51.100.200';

let directory: string;
let geoipDatabasePath: string;
let restrictedPartiesCsvPath: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'charter-eligibility-'));
  geoipDatabasePath = path.join(directory, 'GeoLite2-City.mmdb');
  await writeMmdb(
    geoipDatabasePath,
    [
      { network: '203.0.113.0/24', data: geoIpCityRecord('UA', ['43']) },
      { network: '192.0.2.0/24', data: geoIpCityRecord('IR', ['23']) },
      { network: '198.51.100.0/25', data: geoIpCityRecord('DE', ['BE']) },
      { network: '198.51.100.128/25', data: geoIpCityRecord('UA', ['30']) },
    ],
    { databaseType: 'GeoLite2-City' },
  );
  restrictedPartiesCsvPath = path.join(directory, 'restricted-parties.csv');
  // Invented names only.
  await writeFile(restrictedPartiesCsvPath, 'name,type,country,source\nVarnholt Quessany,person,XX,Invented List\n"Murrowfield Tensile Systems, LLC",organization,XX,Invented List\n');
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe.each(testDialects)('eligibility on %s', (dialect) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp(dialect, { config: { accounts: { eligibility: { geoipDatabasePath, restrictedPartiesCsvPath, countryHeader: 'CF-IPCountry' } } } });
  });
  afterAll(async () => {
    await test?.close();
  });
  const fastify = () => test.app.fastify;
  const countUsers = async () => Number((await test.database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow()).count);
  const refusals = async (action: string) =>
    (await test.database.db.selectFrom('audit_events').select('details_json').where('action', '=', action).orderBy('sequence').execute()).map((row) => JSON.parse(row.details_json) as Record<string, unknown>);

  it('ACC-2 refuses registration from an IP in a sanctioned region (City database subdivisions), audited, nothing stored', async () => {
    const before = await countUsers();
    for (const ipAddress of [crimea, iran]) {
      const response = await new TestBrowser(fastify(), { ipAddress }).post('/api/v1/auth/register', registration({ country: 'DE' }));
      expect(response.statusCode, ipAddress).toBe(403);
      expect(response.json().error).toMatchObject({ code: 'registration_refused', message: expect.stringContaining('region you are connecting from') });
    }
    expect(await countUsers()).toBe(before);
    expect(await refusals('user.registration_refused')).toEqual(
      expect.arrayContaining([
        { reason: 'sanctioned_ip_region', declaredCountry: 'DE', ipCountry: 'UA' },
        { reason: 'sanctioned_ip_region', declaredCountry: 'DE', ipCountry: 'IR' },
      ]),
    );
    // Elsewhere in the same countries is fine: Kyiv (UA-30), Berlin.
    expect((await new TestBrowser(fastify(), { ipAddress: kyiv }).post('/api/v1/auth/register', registration({ country: 'UA' }))).statusCode).toBe(201);
    expect((await new TestBrowser(fastify(), { ipAddress: germany }).post('/api/v1/auth/register', registration())).statusCode).toBe(201);
  });

  it('ACC-2 honours the configured proxy country header', async () => {
    const viaProxy = await new TestBrowser(fastify(), { ipAddress: germany }).request({ method: 'POST', url: '/api/v1/auth/register', payload: registration(), headers: { 'cf-ipcountry': 'KP' } });
    expect(viaProxy.statusCode).toBe(403);
    expect(viaProxy.json().error.code).toBe('registration_refused');
    const unknownCountry = await new TestBrowser(fastify(), { ipAddress: germany }).request({ method: 'POST', url: '/api/v1/auth/register', payload: registration(), headers: { 'cf-ipcountry': 'XX' } });
    expect(unknownCountry.statusCode).toBe(201);
  });

  it('ACC-2 screens the name and the organisation against the restricted-party list, normalised', async () => {
    const before = await countUsers();
    const person = await new TestBrowser(fastify(), { ipAddress: germany }).post('/api/v1/auth/register', registration({ display_name: 'quessany,  VÁRNHOLT' }));
    expect(person.statusCode).toBe(403);
    expect(person.json().error).toMatchObject({ code: 'registration_refused', message: expect.stringContaining('restricted-party list') });
    const organisation = await new TestBrowser(fastify(), { ipAddress: germany }).post('/api/v1/auth/register', registration({ organization_name: 'Murrowfield Tensile Systems GmbH' }));
    expect(organisation.statusCode).toBe(403);
    expect(await countUsers()).toBe(before);
    expect((await refusals('user.registration_refused')).filter((details) => details.reason === 'restricted_party')).toHaveLength(2);
    // Partial or near names pass: no fuzzy false positives.
    expect((await new TestBrowser(fastify(), { ipAddress: germany }).post('/api/v1/auth/register', registration({ display_name: 'Varnholt Quessan' }))).statusCode).toBe(201);
    expect((await new TestBrowser(fastify(), { ipAddress: germany }).post('/api/v1/auth/register', registration({ organization_name: 'Murrowfield Systems' }))).statusCode).toBe(201);
  });

  it('ACC-2 refuses sign-in from a sanctioned region with a clear message, before the password, audited', async () => {
    const { fields, userId } = await registerVerified(fastify(), test.mail, {}, new TestBrowser(fastify(), { ipAddress: germany }));
    for (const password of [fields.password, 'not-the-password-at-all']) {
      const refused = await new TestBrowser(fastify(), { ipAddress: crimea }).post('/api/v1/auth/sign-in', { email: fields.email, password });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toEqual({
        code: 'unsupported_country_region_territory',
        type: 'request_forbidden',
        param: null,
        message: expect.stringContaining('not available in the country, region or territory you are connecting from'),
      });
      expect(refused.cookies.find((cookie) => cookie.name === 'charter_session')).toBeUndefined();
    }
    const viaProxy = await new TestBrowser(fastify(), { ipAddress: germany }).request({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: fields.email, password: fields.password }, headers: { 'cf-ipcountry': 'SY' } });
    expect(viaProxy.json().error.code).toBe('unsupported_country_region_territory');
    expect(await refusals('user.sign_in_refused')).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'sanctioned_ip_region', ipCountry: 'UA', region: 'UA UA-43' })]));
    expect(test.logs()).toContain('sign-in refused: sanctioned region');
    const sessions = await test.database.db.selectFrom('sessions').select('ip_address').where('user_id', '=', userId).execute();
    expect(sessions.map((session) => session.ip_address)).not.toContain(crimea);
    expect((await new TestBrowser(fastify(), { ipAddress: germany }).post('/api/v1/auth/sign-in', { email: fields.email, password: fields.password })).statusCode).toBe(200);
  });
});

describe.each(testDialects)('eligibility without a configured proxy header on %s', (dialect) => {
  it('ACC-2 ignores country headers the operator did not name (anyone can send them)', async () => {
    const test = await startTestApp(dialect);
    try {
      const response = await new TestBrowser(test.app.fastify).request({ method: 'POST', url: '/api/v1/auth/register', payload: registration(), headers: { 'cf-ipcountry': 'IR', 'x-country-code': 'IR' } });
      expect(response.statusCode, response.body).toBe(201);
    } finally {
      await test.close();
    }
  });

  it('ACC-2 a missing GeoIP database or a malformed restricted-party list is a clear configuration error at start', async () => {
    const database = await createTestDatabase(dialect);
    const malformedCsv = path.join(directory, `malformed-${dialect}.csv`);
    await writeFile(malformedCsv, 'name,type\n"Unclosed quote,person\n');
    const missingGeoip = path.join(directory, 'nowhere.mmdb');
    try {
      const config = configSchema.parse({
        dataDir: path.join(directory, `data-${dialect}`),
        database: { url: database.url },
        log: { level: 'silent' },
        accounts: { eligibility: { geoipDatabasePath: missingGeoip, restrictedPartiesCsvPath: malformedCsv } },
      });
      const failure = await buildApp(config, { engines: [] }).then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      const message = (failure as Error).message;
      expect(message).toContain(`accounts.eligibility.geoipDatabasePath: ${missingGeoip}: file not found`);
      expect(message).toMatch(new RegExp(`accounts\\.eligibility\\.restrictedPartiesCsvPath: .*malformed-${dialect}\\.csv: not valid CSV`));
    } finally {
      await database.close();
    }
  });
});
