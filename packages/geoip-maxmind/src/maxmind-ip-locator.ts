import { readFileSync } from 'node:fs';
import type { IpLocation, IpLocator } from '@charter/core';
import { Reader, validate, type CityResponse } from 'maxmind';

/** The database cannot serve as an IP locator (missing, unreadable, not an MMDB, or not a Country/City database). */
export class GeoIpDatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeoIpDatabaseError';
  }
}

/** `::ffff:203.0.113.7` (an IPv4 client on a dual-stack socket) → `203.0.113.7`. */
function plainAddress(ipAddress: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ipAddress);
  return mapped ? mapped[1]! : ipAddress;
}

/**
 * `IpLocator` over an operator-supplied MaxMind-format database (GeoIP2 or GeoLite2, Country or City) read with
 * the maintained `maxmind` reader. Country databases give the country; City databases also give ISO 3166-2
 * subdivisions, which sanctioned regions such as Crimea (UA-43) need. The file is read once at start: replace
 * it and restart (or roll the nodes) to pick up a newer edition.
 */
export class MaxMindIpLocator implements IpLocator {
  readonly #reader: Reader<CityResponse>;
  /** `GeoLite2-City`, `GeoIP2-Country`, … from the database's metadata. */
  readonly databaseType: string;

  constructor(reader: Reader<CityResponse>) {
    this.#reader = reader;
    this.databaseType = reader.metadata.databaseType;
  }

  /** Open and check a database file; throws `GeoIpDatabaseError` with a reason an operator can act on. */
  static open(path: string): MaxMindIpLocator {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new GeoIpDatabaseError(code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot be read (${code ?? String(error)})`, { cause: error });
    }
    let reader: Reader<CityResponse>;
    try {
      reader = new Reader<CityResponse>(bytes);
    } catch (error) {
      throw new GeoIpDatabaseError(`${path}: not a MaxMind DB (.mmdb) file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    const type = reader.metadata.databaseType;
    if (!/country|city|enterprise/i.test(type)) {
      throw new GeoIpDatabaseError(`${path}: a ${type} database has no countries; use a GeoIP2/GeoLite2 Country or City database`);
    }
    return new MaxMindIpLocator(reader);
  }

  async locate(ipAddress: string): Promise<IpLocation | null> {
    const address = plainAddress(ipAddress);
    if (!validate(address)) return null;
    const record = this.#reader.get(address);
    if (!record) return null;
    const country = record.country?.iso_code ?? record.registered_country?.iso_code ?? null;
    const subdivisions = (record.subdivisions ?? []).flatMap((subdivision) => (country && subdivision.iso_code ? [`${country}-${subdivision.iso_code}`.toUpperCase()] : []));
    return { country: country?.toUpperCase() ?? null, subdivisions };
  }
}
