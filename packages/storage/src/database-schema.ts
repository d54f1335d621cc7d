import type { AccountStatus, BillingOwnerType, OrganizationRole, OveragePolicy, PlanKind, QuotaPeriod, QuotaUnit, StaffRole, UsageStatus, User } from '@charter/core';
import type { Generated } from 'kysely';
import type { ProfileVerificationStatus } from '@charter/core';

/**
 * Rows exactly as stored: snake_case columns, times as epoch milliseconds (UTC) in integer columns so
 * SQLite and PostgreSQL hold the same values with no timezone ambiguity. Repositories map these to core's
 * camelCase types with `Date`s; nothing outside this package sees a row.
 */
export interface DatabaseSchema {
  users: UsersTable;
  api_keys: ApiKeysTable;
  usage_records: UsageRecordsTable;
  audit_events: AuditEventsTable;
  violation_events: ViolationEventsTable;
  plans: PlansTable;
  plan_assignments: PlanAssignmentsTable;
  quota_usage: QuotaUsageTable;
  quota_notices: QuotaNoticesTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  legal_acceptances: LegalAcceptancesTable;
  account_status_changes: AccountStatusChangesTable;
  known_devices: KnownDevicesTable;
  blocked_identities: BlockedIdentitiesTable;
  organizations: OrganizationsTable;
  organization_members: OrganizationMembersTable;
  organization_invitations: OrganizationInvitationsTable;
  two_factor_credentials: TwoFactorCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  customer_profiles: CustomerProfilesTable;
  sso_identities: SsoIdentitiesTable;
  sso_authorization_requests: SsoAuthorizationRequestsTable;
  conversations: ConversationsTable;
  conversation_messages: ConversationMessagesTable;
  conversation_shares: ConversationSharesTable;
  message_feedback: MessageFeedbackTable;
}

export interface UsersTable {
  id: string;
  email: string | null;
  display_name: string;
  role: User['role'];
  created_at: number;
  /** Argon2id hash; null for the instance owner and SSO-only accounts. */
  password_hash: string | null;
  status: Generated<AccountStatus>;
  email_verified_at: number | null;
  country: string | null;
  region: string | null;
  /** When the person attested being of age (the date of birth itself is not kept). */
  age_attested_at: number | null;
  staff_role: StaffRole | null;
  locked_at: number | null;
  deletion_requested_at: number | null;
  updated_at: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  method: string;
  ip_address: string;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  authenticated_at: number;
  absolute_expires_at: number;
  revoked_at: number | null;
}

export interface OneTimeTokensTable {
  id: string;
  user_id: string | null;
  purpose: string;
  token_hash: string;
  subject: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface LegalAcceptancesTable {
  id: string;
  user_id: string;
  document: string;
  version: string;
  accepted_at: number;
  ip_address: string;
  user_agent: string | null;
  method: string;
}

export interface AccountStatusChangesTable {
  id: string;
  user_id: string;
  from_status: AccountStatus;
  to_status: AccountStatus;
  reason: string;
  actor_user_id: string | null;
  occurred_at: number;
}

export interface KnownDevicesTable {
  user_id: string;
  device_hash: string;
  first_seen_at: number;
  last_seen_at: number;
}

export interface BlockedIdentitiesTable {
  identity_hash: string;
  kind: string;
  reason: string;
  blocked_at: number;
}

export interface ApiKeysTable {
  id: string;
  owner_user_id: string;
  organization_id: string | null;
  name: string;
  prefix: string;
  secret_hash: string;
  /** `ApiScopes` as JSON text (portable across both dialects). */
  scopes_json: string;
  expires_at: number | null;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  rotated_from_id: string | null;
}

export interface UsageRecordsTable {
  id: string;
  request_id: string;
  api_key_id: string | null;
  user_id: string;
  organization_id: string | null;
  endpoint: string;
  model: string;
  engine_id: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  status: UsageStatus;
  error_code: string | null;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  created_at: number;
}

export interface AuditEventsTable {
  id: string;
  sequence: number;
  action: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_request_id: string | null;
  actor_via: string;
  target_type: string;
  target_id: string | null;
  /** Event details as JSON text. */
  details_json: string;
  occurred_at: number;
  previous_hash: string;
  hash: string;
}

export interface PlansTable {
  id: string;
  name: string;
  kind: PlanKind;
  requests_per_minute: number | null;
  requests_per_hour: number | null;
  tokens_per_minute: number | null;
  concurrent_requests: number | null;
  /** The four quota columns are all null (no quota) or all set. */
  quota_period: QuotaPeriod | null;
  quota_unit: QuotaUnit | null;
  quota_amount: number | null;
  quota_overage: OveragePolicy | null;
  /** Allowed public model names as a JSON array; null for all models. */
  allowed_models_json: string | null;
  /** 0 or 1. */
  is_non_commercial_only: number;
  created_at: number;
  updated_at: number;
}

export interface PlanAssignmentsTable {
  owner_type: BillingOwnerType;
  owner_id: string;
  plan_id: string;
  /** `PlanOverrides` as JSON text; `{}` for none. */
  overrides_json: string;
  billing_time_zone: string;
  assigned_at: number;
}

export interface QuotaUsageTable {
  owner_type: BillingOwnerType;
  owner_id: string;
  /** Start of the quota period (epoch ms of the local midnight that begins it). */
  period_start: number;
  tokens: number;
  updated_at: number;
}

export interface QuotaNoticesTable {
  owner_type: BillingOwnerType;
  owner_id: string;
  period_start: number;
  threshold_percent: number;
  created_at: number;
}

export interface ViolationEventsTable {
  id: string;
  request_id: string;
  user_id: string;
  organization_id: string | null;
  api_key_id: string | null;
  direction: string;
  source: string;
  category: string;
  /** Score × 1,000,000, rounded. */
  score_millionths: number;
  action: string;
  excerpt_hash: string;
  evidence_text: string | null;
  occurred_at: number;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  created_by_user_id: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface OrganizationMembersTable {
  organization_id: string;
  user_id: string;
  role: OrganizationRole;
  joined_at: number;
}

export interface OrganizationInvitationsTable {
  id: string;
  organization_id: string;
  /** Lower-cased invited address. */
  email: string;
  role: OrganizationRole;
  /** SHA-256 of the emailed token; the token itself is never stored. */
  token_hash: string;
  invited_by_user_id: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by_user_id: string | null;
  revoked_at: number | null;
}

/** A user's TOTP authenticator (ACC-4); secrets only as sealed by the content cipher (PRV-9). */
export interface TwoFactorCredentialsTable {
  user_id: string;
  pending_secret_sealed: string | null;
  pending_created_at: number | null;
  secret_sealed: string | null;
  enabled_at: number | null;
  last_used_time_step: number | null;
  updated_at: number;
}

/** Single-use recovery codes, as SHA-256 hashes (ACC-4). */
export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

/** A customer's profile (ACC-6); the address is flattened into `address_*` columns. */
export interface CustomerProfilesTable {
  user_id: string;
  full_name: string | null;
  contact_person: string | null;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  address_city: string | null;
  address_postal_code: string | null;
  address_region: string | null;
  /** Null exactly when there is no address. */
  address_country: string | null;
  company_name: string | null;
  company_registration_number: string | null;
  revision: number;
  verification_status: ProfileVerificationStatus;
  verification_note: string | null;
  verification_changed_by: string | null;
  verification_changed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SsoIdentitiesTable {
  id: string;
  user_id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  email: string | null;
  created_at: number;
  last_used_at: number | null;
}

export interface SsoAuthorizationRequestsTable {
  id: string;
  state_hash: string;
  binding_hash: string;
  provider_id: string;
  intent: string;
  return_to: string;
  user_id: string | null;
  nonce: string;
  code_verifier: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ConversationsTable {
  id: string;
  user_id: string;
  title_sealed: string;
  model: string | null;
  current_leaf_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ConversationMessagesTable {
  id: string;
  conversation_id: string;
  user_id: string;
  parent_id: string | null;
  role: 'user' | 'assistant';
  content_sealed: string;
  model: string | null;
  status: 'streaming' | 'complete' | 'stopped' | 'filtered' | 'failed';
  finish_reason: string | null;
  /** Notices (AUP-10) as a JSON array of strings. */
  notices_json: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: number;
}

export interface ConversationSharesTable {
  id: string;
  user_id: string;
  conversation_id: string;
  token_hash: string;
  token_sealed: string;
  snapshot_sealed: string;
  created_at: number;
  revoked_at: number | null;
}

export interface MessageFeedbackTable {
  id: string;
  user_id: string;
  conversation_id: string;
  message_id: string;
  rating: 'up' | 'down';
  comment_sealed: string | null;
  snapshot_sealed: string;
  created_at: number;
}
