import { Reader, type CityResponse } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { buildMmdb, geoIpCityRecord, parseNetwork } from './mmdb-writer.js';

/** The maintained `maxmind` reader is the judge of whether the writer follows the format. */
function read(bytes: Buffer) {
  return new Reader<CityResponse & Record<string, unknown>>(bytes);
}

const networks = [
  { network: '203.0.113.0/24', data: geoIpCityRecord('UA', ['43']) },
  { network: '198.51.100.0/24', data: geoIpCityRecord('DE', ['BE']) },
  // A more specific network inside a larger one wins for its addresses only.
  { network: '10.0.0.0/8', data: geoIpCityRecord('IR') },
  { network: '10.1.2.0/24', data: geoIpCityRecord('CU') },
  { network: '2001:db8:1::/48', data: geoIpCityRecord('KP') },
];

describe('MaxMind DB writer (test fixture)', () => {
  it.each([24, 28, 32] as const)('ACC-2 writes %i-bit records the maxmind reader resolves, IPv4 and IPv6', (recordSize) => {
    const reader = read(buildMmdb(networks, { databaseType: 'GeoLite2-City', recordSize }));
    expect(reader.metadata).toMatchObject({ databaseType: 'GeoLite2-City', ipVersion: 6, recordSize, binaryFormatMajorVersion: 2 });
    expect(reader.get('203.0.113.77')).toMatchObject({ country: { iso_code: 'UA' }, subdivisions: [{ iso_code: '43' }] });
    expect(reader.get('198.51.100.1')?.subdivisions?.[0]?.iso_code).toBe('BE');
    expect(reader.get('10.200.3.4')?.country?.iso_code).toBe('IR');
    expect(reader.get('10.1.2.3')?.country?.iso_code).toBe('CU');
    expect(reader.get('10.1.3.3')?.country?.iso_code).toBe('IR');
    expect(reader.get('2001:db8:1:ffff::1')?.country?.iso_code).toBe('KP');
    expect(reader.get('2001:db8:2::1')).toBeNull();
    expect(reader.get('192.0.2.1')).toBeNull();
    expect(reader.getWithPrefixLength('203.0.113.5')[1]).toBe(24);
  });

  it('ACC-2 encodes long strings, big maps, arrays, numbers and booleans the reader decodes', () => {
    const longText = 'x'.repeat(300);
    const veryLongText = 'y'.repeat(70_000);
    const manyKeys = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`key${index}`, index * 1000]));
    const data = { long: longText, veryLong: veryLongText, many: manyKeys, list: ['a', 'b'], yes: true, no: false, negative: -5, fraction: 0.25, big: 2 ** 40, zero: 0 };
    const reader = read(buildMmdb([{ network: '192.0.2.0/25', data }], { databaseType: 'Test', recordSize: 28 }));
    const found = reader.get('192.0.2.100');
    expect(found).toEqual({ ...data, big: expect.anything() });
    expect(Number(found?.big)).toBe(2 ** 40);
    expect(reader.get('192.0.2.200')).toBeNull();
  });

  it('ACC-2 rejects malformed networks instead of writing a wrong tree', () => {
    expect(() => parseNetwork('10.0.0.0')).toThrow(/CIDR/);
    expect(() => parseNetwork('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseNetwork('300.0.0.0/8')).toThrow(/IPv4/);
    expect(() => parseNetwork('2001:db8::1::/64')).toThrow(/IPv6/);
    expect(parseNetwork('::ffff:0:0/96').prefixLength).toBe(96);
  });
});
