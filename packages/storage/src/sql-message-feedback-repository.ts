import type { MessageFeedbackRepository, StoredMessageFeedback } from '@charter/core';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `MessageFeedbackRepository` on SQLite or PostgreSQL: one row per person and answer. */
export class SqlMessageFeedbackRepository implements MessageFeedbackRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async upsert(feedback: StoredMessageFeedback): Promise<void> {
    const values = {
      id: feedback.id,
      user_id: feedback.userId,
      conversation_id: feedback.conversationId,
      message_id: feedback.messageId,
      rating: feedback.rating,
      comment_sealed: feedback.sealedComment,
      snapshot_sealed: feedback.sealedSnapshot,
      created_at: toEpochMilliseconds(feedback.createdAt),
    };
    await this.#db
      .insertInto('message_feedback')
      .values(values)
      .onConflict((conflict) => conflict.columns(['user_id', 'message_id']).doUpdateSet({ rating: values.rating, comment_sealed: values.comment_sealed, snapshot_sealed: values.snapshot_sealed, created_at: values.created_at }))
      .execute();
  }

  async find(userId: string, messageId: string): Promise<StoredMessageFeedback | undefined> {
    const row = await this.#db.selectFrom('message_feedback').selectAll().where('user_id', '=', userId).where('message_id', '=', messageId).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      rating: row.rating,
      sealedComment: row.comment_sealed,
      sealedSnapshot: row.snapshot_sealed,
      createdAt: fromEpochMilliseconds(row.created_at),
    };
  }
}
