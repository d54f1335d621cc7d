import { sql, type Kysely } from 'kysely';

// Organisations (ACC-7): members with roles, invitations by email. api_keys.organization_id and
// usage_records.organization_id exist since 0001; they get indexes here for the organisation's listings.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Deleted organisations keep their row (deleted_at set): usage records and audit events refer to them.
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('created_by_user_id', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();

  await db.schema
    .createTable('organization_members')
    .addColumn('organization_id', 'text', (column) => column.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (column) => column.notNull().check(sql`role in ('owner', 'admin', 'developer', 'billing', 'viewer')`))
    .addColumn('joined_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('organization_members_primary_key', ['organization_id', 'user_id'])
    .execute();
  await db.schema.createIndex('organization_members_user_id_index').on('organization_members').column('user_id').execute();

  await db.schema
    .createTable('organization_invitations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('organization_id', 'text', (column) => column.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('email', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull().check(sql`role in ('owner', 'admin', 'developer', 'billing', 'viewer')`))
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('invited_by_user_id', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_by_user_id', 'text')
    .addColumn('revoked_at', 'bigint')
    .execute();
  // At most one open invitation per address and organisation: inviting again replaces the earlier one.
  await db.schema
    .createIndex('organization_invitations_open_email_index')
    .on('organization_invitations')
    .columns(['organization_id', 'email'])
    .unique()
    .where(sql<boolean>`accepted_at is null and revoked_at is null`)
    .execute();

  await db.schema.createIndex('api_keys_organization_id_created_at_index').on('api_keys').columns(['organization_id', 'created_at']).execute();
  await db.schema.createIndex('usage_records_organization_id_created_at_index').on('usage_records').columns(['organization_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('usage_records_organization_id_created_at_index').execute();
  await db.schema.dropIndex('api_keys_organization_id_created_at_index').execute();
  for (const table of ['organization_invitations', 'organization_members', 'organizations']) await db.schema.dropTable(table).execute();
}
