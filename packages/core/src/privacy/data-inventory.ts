/** The personal-data categories of the privacy policy (PRV-1). */
export type PersonalDataCategory = 'account' | 'user_content' | 'feedback' | 'communications' | 'log_data' | 'usage_data' | 'cookies';

/** How a record is erased when its subject's data must go (PRV-4). */
export type ErasureMethod =
  /** The row is deleted. */
  | 'delete'
  /** Identifying columns are cleared or replaced; the row stays (billing, security). */
  | 'anonymise'
  /** Kept as is under a legal obligation; only pseudonymous ids are stored. */
  | 'retain';

/** One table (or part of one) that holds personal data. */
export interface DataInventoryEntry {
  table: string;
  /** Columns holding personal data or identifiers that link a row to a person. */
  columns: readonly string[];
  /** The column naming the data subject (a user id), used by export and erasure. */
  subjectColumn: string;
  category: PersonalDataCategory;
  purpose: string;
  lawfulBasis: 'contract' | 'legitimate_interest' | 'legal_obligation' | 'consent';
  /** How long rows are kept: for the account's lifetime, or a number of days after creation. */
  retention: { kind: 'account_lifetime' } | { kind: 'days'; days: number };
  erasure: ErasureMethod;
}

/**
 * The one registry of personal data. Export, erasure, retention and the privacy centre walk it; a table
 * that holds personal data and is missing here is a bug (a storage test compares it with the schema).
 */
export const dataInventory: readonly DataInventoryEntry[] = [
  {
    table: 'users',
    columns: ['id', 'email', 'display_name'],
    subjectColumn: 'id',
    category: 'account',
    purpose: 'Identify the account holder and let them sign in.',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'anonymise',
  },
  {
    table: 'api_keys',
    columns: ['owner_user_id', 'name', 'last_used_at'],
    subjectColumn: 'owner_user_id',
    category: 'account',
    purpose: 'Authenticate programs that call the API on the account holder’s behalf.',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'usage_records',
    columns: ['user_id', 'api_key_id', 'request_id'],
    subjectColumn: 'user_id',
    category: 'usage_data',
    purpose: 'Meter requests for limits, quotas and billing.',
    lawfulBasis: 'contract',
    retention: { kind: 'days', days: 3650 },
    erasure: 'anonymise',
  },
  {
    table: 'audit_events',
    columns: ['actor_user_id', 'actor_api_key_id', 'actor_request_id'],
    subjectColumn: 'actor_user_id',
    category: 'log_data',
    purpose: 'Keep a tamper-evident record of security and staff actions.',
    lawfulBasis: 'legal_obligation',
    retention: { kind: 'days', days: 2190 },
    erasure: 'retain',
  },
  {
    table: 'plan_assignments',
    columns: ['owner_id'],
    // A user id, or an organisation id when owner_type is 'organization'.
    subjectColumn: 'owner_id',
    category: 'account',
    purpose: 'Know which plan, limits and quota apply to an account (BIL-1).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'quota_usage',
    columns: ['owner_id', 'tokens'],
    subjectColumn: 'owner_id',
    category: 'usage_data',
    purpose: 'Count usage against the plan quota per period (API-6); usage_records remain the billing record.',
    lawfulBasis: 'contract',
    // The current and the previous annual period.
    retention: { kind: 'days', days: 800 },
    erasure: 'delete',
  },
  {
    table: 'quota_notices',
    columns: ['owner_id'],
    subjectColumn: 'owner_id',
    category: 'communications',
    purpose: 'Tell the account holder once per period that 80% and 100% of the quota are used.',
    lawfulBasis: 'contract',
    retention: { kind: 'days', days: 800 },
    erasure: 'delete',
  },
  {
    table: 'violation_events',
    columns: ['user_id', 'organization_id', 'api_key_id', 'request_id', 'evidence_text'],
    subjectColumn: 'user_id',
    category: 'log_data',
    purpose: 'Record acceptable-use hits for enforcement and appeals (AUP-2, AUP-6); text only with evidence retention on.',
    lawfulBasis: 'legitimate_interest',
    retention: { kind: 'days', days: 365 },
    erasure: 'anonymise',
  },
];

/** Tables that hold no personal data at all (schema bookkeeping, operator configuration such as plans). */
export const tablesWithoutPersonalData: readonly string[] = ['kysely_migration', 'kysely_migration_lock', 'plans'];
