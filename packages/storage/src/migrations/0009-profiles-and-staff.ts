import { sql, type Kysely } from 'kysely';

// Customer profiles (ACC-6), one per user, and an index to find staff accounts (ADM-6) without a table scan.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customer_profiles')
    .addColumn('user_id', 'text', (column) => column.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('full_name', 'text')
    .addColumn('contact_person', 'text')
    .addColumn('phone', 'text')
    .addColumn('address_line1', 'text')
    .addColumn('address_line2', 'text')
    .addColumn('address_city', 'text')
    .addColumn('address_postal_code', 'text')
    .addColumn('address_region', 'text')
    .addColumn('address_country', 'text')
    .addColumn('company_name', 'text')
    .addColumn('company_registration_number', 'text')
    .addColumn('revision', 'integer', (column) => column.notNull())
    .addColumn('verification_status', 'text', (column) => column.notNull().defaultTo('unverified').check(sql`verification_status in ('unverified', 'verified', 'rejected')`))
    .addColumn('verification_note', 'text')
    .addColumn('verification_changed_by', 'text')
    .addColumn('verification_changed_at', 'bigint')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('users_staff_role_index').on('users').column('staff_role').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_staff_role_index').execute();
  await db.schema.dropTable('customer_profiles').execute();
}
