import type { ConnectionEligibilityChecker, ConnectionEligibilityInput, EligibilityChecker, EligibilityDecision, EligibilityInput } from './eligibility.js';

/**
 * Sanctioned regions by default (ACC-2): Iran, Cuba, North Korea, Syria, and the Ukrainian regions of Crimea,
 * Sevastopol and the so-called DNR/LNR (Donetsk, Luhansk). Country codes (ISO 3166-1) cover a whole country,
 * subdivision codes (ISO 3166-2) one region. The operator replaces the list in configuration.
 */
export const defaultSanctionedRegions: readonly string[] = ['IR', 'CU', 'KP', 'SY', 'UA-43', 'UA-40', 'UA-14', 'UA-09'];

/** Where an IP address is, as far as the operator's geolocation database knows. */
export interface IpLocation {
  country: string | null;
  /** ISO 3166-2 subdivision codes, most specific last (e.g. `UA-43`). */
  subdivisions: readonly string[];
}

/** Port: IP geolocation (a MaxMind-format database, or a trusted proxy header). */
export interface IpLocator {
  locate(ipAddress: string): Promise<IpLocation | null>;
}

/** Port: screening of names against the operator's restricted-party list. */
export interface RestrictedPartyScreen {
  /** The listed name a candidate matches, or null. */
  match(name: string): string | null;
}

/**
 * ACC-2 eligibility: sanctioned regions by declared and IP location, and the restricted-party list. The IP
 * location comes from the operator's geolocation database and, when configured, a trusted proxy's country
 * header; either one placing the client in a sanctioned region refuses.
 */
export class RegionalEligibilityChecker implements EligibilityChecker, ConnectionEligibilityChecker {
  readonly #sanctioned: ReadonlySet<string>;
  readonly #locator: IpLocator | undefined;
  readonly #restrictedParties: RestrictedPartyScreen | undefined;

  constructor(options: { sanctionedRegions?: readonly string[]; ipLocator?: IpLocator; restrictedParties?: RestrictedPartyScreen }) {
    this.#sanctioned = new Set((options.sanctionedRegions ?? defaultSanctionedRegions).map((code) => code.toUpperCase()));
    this.#locator = options.ipLocator;
    this.#restrictedParties = options.restrictedParties;
  }

  /** Whether a country with optional subdivisions falls in a sanctioned region. */
  isSanctioned(country: string | null, subdivisions: readonly string[]): boolean {
    if (country && this.#sanctioned.has(country.toUpperCase())) return true;
    return subdivisions.some((subdivision) => this.#sanctioned.has(subdivision.toUpperCase()));
  }

  async check(input: EligibilityInput): Promise<EligibilityDecision> {
    const declared = await this.checkConnection(input);
    if (!declared.isEligible) return declared;
    for (const name of input.names) {
      const listed = this.#restrictedParties?.match(name);
      if (listed) return { isEligible: false, reason: 'restricted_party', ipCountry: declared.ipCountry, detail: listed };
    }
    return declared;
  }

  /** The declared country or region and the connection's location, without the name screening. */
  async checkConnection(input: ConnectionEligibilityInput): Promise<EligibilityDecision> {
    const location = this.#locator ? await this.#locator.locate(input.ipAddress) : null;
    const proxyCountry = input.proxyCountry?.trim().toUpperCase() || null;
    const ipCountry = proxyCountry ?? location?.country ?? null;
    if (input.declaredCountry && this.isSanctioned(input.declaredCountry, input.declaredRegion ? [input.declaredRegion] : [])) {
      return { isEligible: false, reason: 'sanctioned_declared_region', ipCountry, detail: input.declaredRegion ?? input.declaredCountry };
    }
    if (proxyCountry && this.isSanctioned(proxyCountry, [])) {
      return { isEligible: false, reason: 'sanctioned_ip_region', ipCountry, detail: proxyCountry };
    }
    if (location && this.isSanctioned(location.country, location.subdivisions)) {
      return { isEligible: false, reason: 'sanctioned_ip_region', ipCountry, detail: [location.country, ...location.subdivisions].filter(Boolean).join(' ') };
    }
    return { isEligible: true, ipCountry };
  }
}
