import { sql, type Kysely } from 'kysely';

// Accounts (ACC-1, ACC-3, ACC-8 … ACC-10), sessions, one-time tokens, legal acceptances (POL-3).
// SQLite adds one column per ALTER TABLE, so each column is its own statement.
export async function up(db: Kysely<unknown>): Promise<void> {
  const userColumns: Array<[string, 'text' | 'bigint', ((column: import('kysely').ColumnDefinitionBuilder) => import('kysely').ColumnDefinitionBuilder)?]> = [
    ['password_hash', 'text'],
    ['status', 'text', (column) => column.notNull().defaultTo('active').check(sql`status in ('active', 'restricted', 'suspended', 'terminated')`)],
    ['email_verified_at', 'bigint'],
    ['country', 'text'],
    ['region', 'text'],
    ['age_attested_at', 'bigint'],
    ['staff_role', 'text', (column) => column.check(sql`staff_role in ('support', 'moderator', 'billing', 'data_protection_officer', 'superadmin')`)],
    ['locked_at', 'bigint'],
    ['deletion_requested_at', 'bigint'],
    ['updated_at', 'bigint'],
  ];
  for (const [name, type, build] of userColumns) {
    await db.schema.alterTable('users').addColumn(name, type, build ?? ((column) => column)).execute();
  }

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('method', 'text', (column) => column.notNull())
    .addColumn('ip_address', 'text', (column) => column.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
    .addColumn('authenticated_at', 'bigint', (column) => column.notNull())
    .addColumn('absolute_expires_at', 'bigint', (column) => column.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_user_id_created_at_index').on('sessions').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('one_time_tokens')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (column) => column.notNull())
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('subject', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('one_time_tokens_user_id_purpose_index').on('one_time_tokens').columns(['user_id', 'purpose']).execute();

  await db.schema
    .createTable('legal_acceptances')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('document', 'text', (column) => column.notNull())
    .addColumn('version', 'text', (column) => column.notNull())
    .addColumn('accepted_at', 'bigint', (column) => column.notNull())
    .addColumn('ip_address', 'text', (column) => column.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('method', 'text', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('legal_acceptances_user_id_index').on('legal_acceptances').column('user_id').execute();

  await db.schema
    .createTable('account_status_changes')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('from_status', 'text', (column) => column.notNull())
    .addColumn('to_status', 'text', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('occurred_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('account_status_changes_user_id_index').on('account_status_changes').columns(['user_id', 'occurred_at']).execute();

  await db.schema
    .createTable('known_devices')
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_hash', 'text', (column) => column.notNull())
    .addColumn('first_seen_at', 'bigint', (column) => column.notNull())
    .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('known_devices_primary_key', ['user_id', 'device_hash'])
    .execute();

  // Identities of terminated accounts, as hashes only (ACC-10).
  await db.schema
    .createTable('blocked_identities')
    .addColumn('identity_hash', 'text', (column) => column.primaryKey())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('reason', 'text', (column) => column.notNull())
    .addColumn('blocked_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['blocked_identities', 'known_devices', 'account_status_changes', 'legal_acceptances', 'one_time_tokens', 'sessions']) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of ['updated_at', 'deletion_requested_at', 'locked_at', 'staff_role', 'age_attested_at', 'region', 'country', 'email_verified_at', 'status', 'password_hash']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
