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

/** Tables of the service spine: users, keys, metering, audit, plans, moderation. */
const spineInventory: readonly DataInventoryEntry[] = [
  {
    table: 'users',
    columns: ['id', 'email', 'display_name', 'password_hash', 'country', 'region', 'age_attested_at', 'email_verified_at'],
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

/** Tables of accounts and sign-in (ACC-*). */
const accountInventory: readonly DataInventoryEntry[] = [
  {
    table: 'sessions',
    columns: ['user_id', 'ip_address', 'user_agent', 'created_at', 'last_seen_at'],
    subjectColumn: 'user_id',
    category: 'log_data',
    purpose: 'Keep people signed in, and let them see and end their sessions (ACC-3).',
    lawfulBasis: 'contract',
    retention: { kind: 'days', days: 90 },
    erasure: 'delete',
  },
  {
    table: 'one_time_tokens',
    columns: ['user_id', 'subject'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'Single-use links and challenges: email verification, password reset, compromise reports, sign-in codes.',
    lawfulBasis: 'contract',
    retention: { kind: 'days', days: 30 },
    erasure: 'delete',
  },
  {
    table: 'legal_acceptances',
    columns: ['user_id', 'ip_address', 'user_agent', 'accepted_at'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'Evidence of who accepted which version of the terms and privacy policy, when and from where (POL-3).',
    lawfulBasis: 'legal_obligation',
    retention: { kind: 'days', days: 3650 },
    erasure: 'retain',
  },
  {
    table: 'account_status_changes',
    columns: ['user_id', 'reason', 'actor_user_id'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'History of account states with reason and actor (ACC-10), for enforcement and appeals.',
    lawfulBasis: 'legitimate_interest',
    retention: { kind: 'days', days: 2190 },
    erasure: 'retain',
  },
  {
    table: 'known_devices',
    columns: ['user_id', 'device_hash', 'first_seen_at', 'last_seen_at'],
    subjectColumn: 'user_id',
    category: 'cookies',
    purpose: 'Recognise devices signed in before: new-sign-in notices and fair password throttling (ACC-3, ACC-8).',
    lawfulBasis: 'legitimate_interest',
    retention: { kind: 'days', days: 400 },
    erasure: 'delete',
  },
  {
    table: 'blocked_identities',
    columns: ['identity_hash'],
    // A hash of a terminated account's email or SSO subject; no user id, by design.
    subjectColumn: 'identity_hash',
    category: 'account',
    purpose: 'Stop terminated identities from registering again (ACC-10); hashes only.',
    lawfulBasis: 'legitimate_interest',
    retention: { kind: 'days', days: 3650 },
    erasure: 'retain',
  },
  {
    table: 'two_factor_credentials',
    columns: ['user_id', 'pending_secret_sealed', 'secret_sealed', 'enabled_at'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'The sealed TOTP secret of two-factor authentication (ACC-4); encrypted at rest (PRV-9).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'recovery_codes',
    columns: ['user_id', 'code_hash', 'used_at'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'Hashed single-use recovery codes of two-factor authentication (ACC-4).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
];

/** Tables of organisations (ACC-7). */
const organizationInventory: readonly DataInventoryEntry[] = [
  {
    table: 'organizations',
    columns: ['created_by_user_id'],
    subjectColumn: 'created_by_user_id',
    category: 'account',
    purpose: 'The organisations that own keys, usage and bills; kept after deletion because usage records refer to them.',
    lawfulBasis: 'contract',
    retention: { kind: 'days', days: 3650 },
    erasure: 'anonymise',
  },
  {
    table: 'organization_members',
    columns: ['user_id', 'role', 'joined_at'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'Who belongs to which organisation and with which role, for every permission check (ACC-7).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'organization_invitations',
    columns: ['email', 'invited_by_user_id', 'accepted_by_user_id'],
    // The invitee may have no account yet: the invited address is the subject.
    subjectColumn: 'email',
    category: 'communications',
    purpose: 'Invite people by email to join an organisation; single-use links that expire (ACC-7).',
    lawfulBasis: 'legitimate_interest',
    retention: { kind: 'days', days: 90 },
    erasure: 'delete',
  },
];

/**
 * The one registry of personal data. Export, erasure, retention and the privacy centre walk it; a table
 * that holds personal data and is missing here is a bug (a storage test compares it with the schema).
 */
/** The customer profile (ACC-6). */
const profileInventory: readonly DataInventoryEntry[] = [
  {
    table: 'customer_profiles',
    columns: ['user_id', 'full_name', 'contact_person', 'phone', 'address_line1', 'address_line2', 'address_city', 'address_postal_code', 'address_region', 'address_country', 'company_name', 'company_registration_number', 'verification_note', 'verification_changed_by'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'The customer profile kept current by the customer and verified by staff (ACC-6: real-name verification, invoices).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
];

/** Identities linked for single sign-on (ACC-5). */
const ssoInventory: readonly DataInventoryEntry[] = [
  {
    table: 'sso_identities',
    columns: ['user_id', 'issuer', 'subject', 'email', 'created_at', 'last_used_at'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'Let people sign in with an identity provider they linked (ACC-5).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'sso_authorization_requests',
    columns: ['user_id', 'return_to'],
    subjectColumn: 'user_id',
    category: 'account',
    purpose: 'Check the provider’s answer to a sign-in or link started minutes before (ACC-5); deleted once expired.',
    lawfulBasis: 'contract',
    retention: { kind: 'days', days: 1 },
    erasure: 'delete',
  },
];

/** Tables of the chat app: conversations, shares and feedback (CON-1 … CON-3); all text sealed (PRV-9). */
const conversationInventory: readonly DataInventoryEntry[] = [
  {
    table: 'conversations',
    columns: ['user_id', 'title_sealed'],
    subjectColumn: 'user_id',
    category: 'user_content',
    purpose: 'Keep a person’s conversations so they can continue, search and share them (CON-1).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'conversation_messages',
    columns: ['user_id', 'content_sealed'],
    subjectColumn: 'user_id',
    category: 'user_content',
    purpose: 'The prompts and answers of a conversation (CON-1).',
    lawfulBasis: 'contract',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'conversation_shares',
    columns: ['user_id', 'token_sealed', 'snapshot_sealed'],
    subjectColumn: 'user_id',
    category: 'user_content',
    purpose: 'Public read-only snapshots the person chose to share, until they revoke them (CON-2).',
    lawfulBasis: 'consent',
    retention: { kind: 'account_lifetime' },
    erasure: 'delete',
  },
  {
    table: 'message_feedback',
    columns: ['user_id', 'comment_sealed', 'snapshot_sealed'],
    subjectColumn: 'user_id',
    category: 'feedback',
    purpose: 'Ratings and comments on answers with the conversation they refer to, to improve the service (CON-3).',
    lawfulBasis: 'consent',
    retention: { kind: 'days', days: 730 },
    erasure: 'delete',
  },
];

export const dataInventory: readonly DataInventoryEntry[] = [...spineInventory, ...accountInventory, ...organizationInventory, ...profileInventory, ...ssoInventory, ...conversationInventory];

/** Tables that hold no personal data at all (schema bookkeeping, operator configuration such as plans). */
export const tablesWithoutPersonalData: readonly string[] = ['kysely_migration', 'kysely_migration_lock', 'plans'];
