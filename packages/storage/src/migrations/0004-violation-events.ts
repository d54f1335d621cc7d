import type { Kysely } from 'kysely';

// Moderation hits (AUP-2, AUP-6). The moderated text is kept only as a hash unless the operator turns on
// evidence retention; scores are stored as integer millionths so both dialects hold the same value.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('violation_events')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('request_id', 'text', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('organization_id', 'text')
    .addColumn('api_key_id', 'text')
    .addColumn('direction', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull())
    .addColumn('category', 'text', (column) => column.notNull())
    .addColumn('score_millionths', 'integer', (column) => column.notNull())
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('excerpt_hash', 'text', (column) => column.notNull())
    .addColumn('evidence_text', 'text')
    .addColumn('occurred_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('violation_events_user_id_occurred_at_index').on('violation_events').columns(['user_id', 'occurred_at']).execute();
  await db.schema.createIndex('violation_events_request_id_index').on('violation_events').column('request_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('violation_events').execute();
}
