import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { geoIpCityRecord, writeMmdb } from '@charter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeoIpDatabaseError, MaxMindIpLocator } from './maxmind-ip-locator.js';

describe('MaxMindIpLocator', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'charter-geoip-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('ACC-2 gives the country and ISO 3166-2 subdivisions of a City database, IPv4, mapped IPv4 and IPv6', async () => {
    const file = path.join(directory, 'city.mmdb');
    await writeMmdb(
      file,
      [
        { network: '203.0.113.0/24', data: geoIpCityRecord('UA', ['43']) },
        { network: '198.51.100.0/24', data: geoIpCityRecord('UA', ['30']) },
        { network: '2001:db8::/32', data: geoIpCityRecord('DE', ['BE']) },
        { network: '192.0.2.0/24', data: { registered_country: { iso_code: 'IR' } } },
      ],
      { databaseType: 'GeoLite2-City' },
    );
    const locator = MaxMindIpLocator.open(file);
    expect(locator.databaseType).toBe('GeoLite2-City');
    expect(await locator.locate('203.0.113.9')).toEqual({ country: 'UA', subdivisions: ['UA-43'] });
    expect(await locator.locate('::ffff:203.0.113.9')).toEqual({ country: 'UA', subdivisions: ['UA-43'] });
    expect(await locator.locate('198.51.100.1')).toEqual({ country: 'UA', subdivisions: ['UA-30'] });
    expect(await locator.locate('2001:db8:5::1')).toEqual({ country: 'DE', subdivisions: ['DE-BE'] });
    // Without a located country (anonymous networks), the registered country stands in.
    expect(await locator.locate('192.0.2.1')).toEqual({ country: 'IR', subdivisions: [] });
    expect(await locator.locate('100.64.0.1')).toBeNull();
    expect(await locator.locate('not-an-address')).toBeNull();
  });

  it('ACC-2 reads Country databases (no subdivisions)', async () => {
    const file = path.join(directory, 'country.mmdb');
    await writeMmdb(file, [{ network: '203.0.113.0/24', data: { country: { iso_code: 'CU' } } }], { databaseType: 'GeoIP2-Country' });
    expect(await MaxMindIpLocator.open(file).locate('203.0.113.200')).toEqual({ country: 'CU', subdivisions: [] });
  });

  it('ACC-2 a missing, foreign or non-geographic file is a clear error at start', async () => {
    expect(() => MaxMindIpLocator.open(path.join(directory, 'missing.mmdb'))).toThrow(new GeoIpDatabaseError(`${path.join(directory, 'missing.mmdb')}: file not found`));
    const text = path.join(directory, 'text.mmdb');
    await writeFile(text, 'this is not a database');
    expect(() => MaxMindIpLocator.open(text)).toThrow(/not a MaxMind DB/);
    const asn = path.join(directory, 'asn.mmdb');
    await writeMmdb(asn, [{ network: '203.0.113.0/24', data: { autonomous_system_number: 64_500 } }], { databaseType: 'GeoLite2-ASN' });
    expect(() => MaxMindIpLocator.open(asn)).toThrow(/GeoLite2-ASN database has no countries/);
  });
});
