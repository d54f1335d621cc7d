import type { UsageStatus, User } from '@charter/core';

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
}

export interface UsersTable {
  id: string;
  email: string | null;
  display_name: string;
  role: User['role'];
  created_at: number;
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
