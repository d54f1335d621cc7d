import { RegionalEligibilityChecker } from '@charter/core';
import { GeoIpDatabaseError, MaxMindIpLocator } from '@charter/geoip-maxmind';
import { loadRestrictedPartiesCsv, RestrictedPartyListError } from '@charter/restricted-parties-csv';
import { type CharterConfig, ConfigError } from './config.js';

/**
 * The eligibility checks of ACC-2 from configuration: sanctioned regions, the operator's GeoIP database and
 * restricted-party list. A file that is missing or malformed stops the start with a configuration error:
 * running without the checks the operator asked for would be worse than not running.
 */
export function createEligibilityChecker(config: CharterConfig): RegionalEligibilityChecker {
  const { geoipDatabasePath, restrictedPartiesCsvPath } = config.accounts.eligibility;
  const issues: string[] = [];
  let ipLocator: MaxMindIpLocator | undefined;
  let restrictedParties: ReturnType<typeof loadRestrictedPartiesCsv> | undefined;
  if (geoipDatabasePath) {
    try {
      ipLocator = MaxMindIpLocator.open(geoipDatabasePath);
    } catch (error) {
      if (!(error instanceof GeoIpDatabaseError)) throw error;
      issues.push(`accounts.eligibility.geoipDatabasePath: ${error.message}`);
    }
  }
  if (restrictedPartiesCsvPath) {
    try {
      restrictedParties = loadRestrictedPartiesCsv(restrictedPartiesCsvPath);
    } catch (error) {
      if (!(error instanceof RestrictedPartyListError)) throw error;
      issues.push(`accounts.eligibility.restrictedPartiesCsvPath: ${error.message}`);
    }
  }
  if (issues.length > 0) throw new ConfigError('accounts.eligibility', issues);
  return new RegionalEligibilityChecker({ sanctionedRegions: config.accounts.sanctionedRegions, ipLocator, restrictedParties });
}
