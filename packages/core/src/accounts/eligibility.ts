/** What is known about a person at registration or sign-in, for the eligibility checks (ACC-2). */
export interface EligibilityInput {
  /** Declared country, ISO 3166-1 alpha-2. */
  declaredCountry: string;
  /** Declared subdivision, ISO 3166-2, when given. */
  declaredRegion: string | null;
  ipAddress: string;
  /** The client's country as a trusted proxy reported it (`accounts.eligibility.countryHeader`), when configured. */
  proxyCountry?: string | null;
  /** Names to screen against the restricted-party list: the person, their organisation. */
  names: readonly string[];
}

/** Why someone may not use the service; stated plainly to them and kept for audit. */
export type IneligibilityReason = 'sanctioned_declared_region' | 'sanctioned_ip_region' | 'restricted_party';

export type EligibilityDecision =
  | { isEligible: true; ipCountry: string | null }
  | { isEligible: false; reason: IneligibilityReason; ipCountry: string | null; detail: string };

/** Port: the eligibility checks of ACC-2 (sanctioned regions by declared and IP country, restricted parties). */
export interface EligibilityChecker {
  check(input: EligibilityInput): Promise<EligibilityDecision>;
}

/** What is known about a connection at sign-in, for the eligibility check of use (ACC-2). */
export interface ConnectionEligibilityInput {
  ipAddress: string;
  proxyCountry?: string | null;
  /** The account's declared country and region: the operator may have sanctioned them since registration. */
  declaredCountry: string | null;
  declaredRegion: string | null;
}

/** Port: may someone use the service from where they connect (ACC-2)? Consulted at every sign-in. */
export interface ConnectionEligibilityChecker {
  checkConnection(input: ConnectionEligibilityInput): Promise<EligibilityDecision>;
}
