import { type Kysely, sql } from 'kysely';

// Two-factor authentication (ACC-4): one TOTP authenticator per user, its secret sealed by the content cipher
// (PRV-9), and hashed single-use recovery codes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('two_factor_credentials')
    .addColumn('user_id', 'text', (column) => column.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('pending_secret_sealed', 'text')
    .addColumn('pending_created_at', 'bigint')
    .addColumn('secret_sealed', 'text')
    .addColumn('enabled_at', 'bigint')
    .addColumn('last_used_time_step', 'bigint')
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addCheckConstraint('two_factor_credentials_enabled_check', sql`(secret_sealed is null) = (enabled_at is null)`)
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_user_id_code_hash_index').on('recovery_codes').columns(['user_id', 'code_hash']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recovery_codes').execute();
  await db.schema.dropTable('two_factor_credentials').execute();
}
