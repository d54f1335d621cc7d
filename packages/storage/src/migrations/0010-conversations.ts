import { sql, type Kysely } from 'kysely';

// Conversations of the chat app (CON-1), public shares (CON-2) and feedback (CON-3). Every user-written text is
// stored sealed by the content cipher (PRV-9): *_sealed columns hold ciphertext only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title_sealed', 'text', (column) => column.notNull())
    .addColumn('model', 'text')
    .addColumn('current_leaf_id', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('conversations_user_id_updated_at_index').on('conversations').columns(['user_id', 'updated_at', 'id']).execute();

  await db.schema
    .createTable('conversation_messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('role', 'text', (column) => column.notNull().check(sql`role in ('user', 'assistant')`))
    .addColumn('content_sealed', 'text', (column) => column.notNull())
    .addColumn('model', 'text')
    .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('streaming', 'complete', 'stopped', 'filtered', 'failed')`))
    .addColumn('finish_reason', 'text')
    .addColumn('notices_json', 'text', (column) => column.notNull())
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('conversation_messages_conversation_id_index').on('conversation_messages').columns(['conversation_id', 'created_at']).execute();

  await db.schema
    .createTable('conversation_shares')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('token_sealed', 'text', (column) => column.notNull())
    .addColumn('snapshot_sealed', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('conversation_shares_user_id_index').on('conversation_shares').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('message_feedback')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (column) => column.notNull())
    .addColumn('rating', 'text', (column) => column.notNull().check(sql`rating in ('up', 'down')`))
    .addColumn('comment_sealed', 'text')
    .addColumn('snapshot_sealed', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addUniqueConstraint('message_feedback_user_id_message_id_unique', ['user_id', 'message_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['message_feedback', 'conversation_shares', 'conversation_messages', 'conversations']) await db.schema.dropTable(table).execute();
}
