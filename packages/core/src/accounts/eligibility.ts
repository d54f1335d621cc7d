/** What is known about a person at registration or sign-in, for the eligibility checks (ACC-2). */
export interface EligibilityInput {
  /** Declared country, ISO 3166-1 alpha-2. */
  declaredCountry: string;
  /** Declared subdivision, ISO 3166-2, when given. */
  declaredRegion: string | null;
  ipAddress: string;
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
