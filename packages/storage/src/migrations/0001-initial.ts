import { sql, type Kysely } from 'kysely';

// Migrations see the schema as it was when they were written, so they take an untyped builder.
// Column types are the ones both dialects share: text, integer, bigint (SQLite stores any of the integer
// types as a 64-bit integer). Times are epoch milliseconds in bigint columns.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('email', 'text', (column) => column.unique())
    .addColumn('display_name', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addCheckConstraint('users_role_check', sql`role in ('owner', 'member')`)
    .execute();
  // At most one owner, enforced by the database so concurrent first starts cannot create two.
  await db.schema
    .createIndex('users_single_owner_index')
    .on('users')
    .column('role')
    .unique()
    .where(sql<boolean>`role = 'owner'`)
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('owner_user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organization_id', 'text')
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('prefix', 'text', (column) => column.notNull())
    .addColumn('secret_hash', 'text', (column) => column.notNull().unique())
    .addColumn('scopes_json', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('rotated_from_id', 'text')
    .execute();
  // Serves both the owner filter and the newest-first listing.
  await db.schema.createIndex('api_keys_owner_user_id_created_at_index').on('api_keys').columns(['owner_user_id', 'created_at']).execute();

  // No foreign keys to users or api_keys: usage is a billing record that must outlive key deletion and
  // survive user erasure (anonymised), and the write-behind flush must never fail on a race with a delete.
  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('request_id', 'text', (column) => column.notNull().unique())
    .addColumn('api_key_id', 'text')
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('organization_id', 'text')
    .addColumn('endpoint', 'text', (column) => column.notNull())
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('engine_id', 'text')
    .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
    .addColumn('completion_tokens', 'integer', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('error_code', 'text')
    .addColumn('latency_ms', 'integer', (column) => column.notNull())
    .addColumn('time_to_first_token_ms', 'integer')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addCheckConstraint('usage_records_status_check', sql`status in ('succeeded', 'failed', 'cancelled')`)
    .addCheckConstraint('usage_records_tokens_check', sql`prompt_tokens >= 0 and completion_tokens >= 0`)
    .execute();
  await db.schema.createIndex('usage_records_user_id_created_at_index').on('usage_records').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('usage_records_api_key_id_created_at_index').on('usage_records').columns(['api_key_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_records').execute();
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('users').execute();
}
