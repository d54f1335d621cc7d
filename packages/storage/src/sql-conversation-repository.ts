import type { ConversationRepository, StoredConversation, StoredConversationMessage } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { ConversationMessagesTable, ConversationsTable, DatabaseSchema } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `ConversationRepository` on SQLite or PostgreSQL; every query filters by the owner. */
export class SqlConversationRepository implements ConversationRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(conversation: StoredConversation): Promise<void> {
    await this.#db
      .insertInto('conversations')
      .values({
        id: conversation.id,
        user_id: conversation.userId,
        title_sealed: conversation.sealedTitle,
        model: conversation.model,
        current_leaf_id: conversation.currentLeafId,
        created_at: toEpochMilliseconds(conversation.createdAt),
        updated_at: toEpochMilliseconds(conversation.updatedAt),
      })
      .execute();
  }

  async list(userId: string, options: { limit: number; before?: { updatedAt: Date; id: string } }): Promise<StoredConversation[]> {
    let query = this.#db.selectFrom('conversations').selectAll().where('user_id', '=', userId);
    if (options.before) {
      const updatedAtMs = toEpochMilliseconds(options.before.updatedAt);
      const beforeId = options.before.id;
      query = query.where((eb) => eb.or([eb('updated_at', '<', updatedAtMs), eb.and([eb('updated_at', '=', updatedAtMs), eb('id', '<', beforeId)])]));
    }
    const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toConversation);
  }

  listAll(userId: string, limit: number): Promise<StoredConversation[]> {
    return this.list(userId, { limit });
  }

  async find(userId: string, conversationId: string): Promise<StoredConversation | undefined> {
    const row = await this.#db.selectFrom('conversations').selectAll().where('user_id', '=', userId).where('id', '=', conversationId).executeTakeFirst();
    return row && toConversation(row);
  }

  async rename(userId: string, conversationId: string, sealedTitle: string, at: Date): Promise<boolean> {
    const result = await this.#db.updateTable('conversations').set({ title_sealed: sealedTitle, updated_at: toEpochMilliseconds(at) }).where('user_id', '=', userId).where('id', '=', conversationId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(userId: string, conversationId: string): Promise<boolean> {
    // Children first, in one transaction: SQLite enforces the cascades only with foreign keys on, and being
    // explicit keeps both dialects the same.
    return this.#db.transaction().execute(async (transaction) => {
      const owned = await transaction.selectFrom('conversations').select('id').where('user_id', '=', userId).where('id', '=', conversationId).executeTakeFirst();
      if (!owned) return false;
      await transaction.deleteFrom('message_feedback').where('conversation_id', '=', conversationId).execute();
      await transaction.deleteFrom('conversation_shares').where('conversation_id', '=', conversationId).execute();
      await transaction.deleteFrom('conversation_messages').where('conversation_id', '=', conversationId).execute();
      await transaction.deleteFrom('conversations').where('id', '=', conversationId).execute();
      return true;
    });
  }

  async setCurrentLeaf(userId: string, conversationId: string, leafId: string, at: Date, model?: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('conversations')
      .set({ current_leaf_id: leafId, updated_at: toEpochMilliseconds(at), ...(model ? { model } : {}) })
      .where('user_id', '=', userId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async insertMessage(userId: string, message: StoredConversationMessage): Promise<void> {
    await this.#db
      .insertInto('conversation_messages')
      .values({
        id: message.id,
        conversation_id: message.conversationId,
        user_id: userId,
        parent_id: message.parentId,
        role: message.role,
        content_sealed: message.sealedContent,
        model: message.model,
        status: message.status,
        finish_reason: message.finishReason,
        notices_json: JSON.stringify(message.notices),
        prompt_tokens: message.promptTokens,
        completion_tokens: message.completionTokens,
        created_at: toEpochMilliseconds(message.createdAt),
      })
      .execute();
  }

  async completeMessage(
    userId: string,
    messageId: string,
    fields: Pick<StoredConversationMessage, 'sealedContent' | 'status' | 'finishReason' | 'notices' | 'promptTokens' | 'completionTokens'>,
  ): Promise<void> {
    await this.#db
      .updateTable('conversation_messages')
      .set({
        content_sealed: fields.sealedContent,
        status: fields.status,
        finish_reason: fields.finishReason,
        notices_json: JSON.stringify(fields.notices),
        prompt_tokens: fields.promptTokens,
        completion_tokens: fields.completionTokens,
      })
      .where('user_id', '=', userId)
      .where('id', '=', messageId)
      .execute();
  }

  async listMessages(userId: string, conversationId: string): Promise<StoredConversationMessage[]> {
    const rows = await this.#db.selectFrom('conversation_messages').selectAll().where('user_id', '=', userId).where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toMessage);
  }

  async listMessagesOf(userId: string, conversationIds: readonly string[]): Promise<StoredConversationMessage[]> {
    if (conversationIds.length === 0) return [];
    const rows = await this.#db.selectFrom('conversation_messages').selectAll().where('user_id', '=', userId).where('conversation_id', 'in', [...conversationIds]).orderBy('created_at').execute();
    return rows.map(toMessage);
  }
}

function toConversation(row: Selectable<ConversationsTable>): StoredConversation {
  return {
    id: row.id,
    userId: row.user_id,
    sealedTitle: row.title_sealed,
    model: row.model,
    currentLeafId: row.current_leaf_id,
    createdAt: fromEpochMilliseconds(row.created_at),
    updatedAt: fromEpochMilliseconds(row.updated_at),
  };
}

function toMessage(row: Selectable<ConversationMessagesTable>): StoredConversationMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    parentId: row.parent_id,
    role: row.role,
    sealedContent: row.content_sealed,
    model: row.model,
    status: row.status,
    finishReason: row.finish_reason,
    notices: JSON.parse(row.notices_json) as string[],
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    createdAt: fromEpochMilliseconds(row.created_at),
  };
}
