import { CharterError } from '../errors.js';
import type { IneligibilityReason } from './eligibility.js';

/** The service may not be used from where the person connects or lives (ACC-2); OpenAI's code for the same. */
export class UnsupportedRegionError extends CharterError {
  readonly reason: IneligibilityReason;
  constructor(reason: IneligibilityReason) {
    super(
      'unsupported_country_region_territory',
      reason === 'sanctioned_declared_region'
        ? 'This service is not available in the country or region of your account, because of sanctions and export-control laws.'
        : 'This service is not available in the country, region or territory you are connecting from, because of sanctions and export-control laws.',
    );
    this.reason = reason;
  }
}
