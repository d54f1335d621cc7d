import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as auditEvents from './0002-audit-events.js';
import * as violationEvents from './0004-violation-events.js';
import * as plans from './0003-plans.js';
import * as accounts from './0005-accounts.js';
import * as conversations from './0010-conversations.js';
import * as organizations from './0008-organizations.js';
import * as twoFactor from './0006-two-factor.js';
import * as profilesAndStaff from './0009-profiles-and-staff.js';
import * as ssoIdentities from './0007-sso-identities.js';

/**
 * Every migration, keyed by name; names sort in the order they run. Listed statically (no directory scan)
 * so they work unchanged from source under tsx, in a bundle or in a single-file build.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-audit-events': auditEvents,
  '0004-violation-events': violationEvents,
  '0003-plans': plans,
  '0005-accounts': accounts,
  '0010-conversations': conversations,
  '0008-organizations': organizations,
  '0006-two-factor': twoFactor,
  '0009-profiles-and-staff': profilesAndStaff,
  '0007-sso-identities': ssoIdentities,
};
