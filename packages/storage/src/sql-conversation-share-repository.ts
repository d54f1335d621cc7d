import type { ConversationShareRepository, StoredConversationShare } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { ConversationSharesTable, DatabaseSchema } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `ConversationShareRepository` on SQLite or PostgreSQL. */
export class SqlConversationShareRepository implements ConversationShareRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(share: StoredConversationShare): Promise<void> {
    await this.#db
      .insertInto('conversation_shares')
      .values({
        id: share.id,
        user_id: share.userId,
        conversation_id: share.conversationId,
        token_hash: share.tokenHash,
        token_sealed: share.sealedToken,
        snapshot_sealed: share.sealedSnapshot,
        created_at: toEpochMilliseconds(share.createdAt),
        revoked_at: null,
      })
      .execute();
  }

  async listByOwner(userId: string): Promise<StoredConversationShare[]> {
    const rows = await this.#db.selectFrom('conversation_shares').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toShare);
  }

  async revoke(userId: string, shareId: string, at: Date): Promise<boolean> {
    const result = await this.#db.updateTable('conversation_shares').set({ revoked_at: toEpochMilliseconds(at) }).where('user_id', '=', userId).where('id', '=', shareId).where('revoked_at', 'is', null).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async findLiveByTokenHash(tokenHash: string): Promise<StoredConversationShare | undefined> {
    const row = await this.#db.selectFrom('conversation_shares').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
    return row && toShare(row);
  }
}

function toShare(row: Selectable<ConversationSharesTable>): StoredConversationShare {
  return {
    id: row.id,
    userId: row.user_id,
    conversationId: row.conversation_id,
    tokenHash: row.token_hash,
    sealedToken: row.token_sealed,
    sealedSnapshot: row.snapshot_sealed,
    createdAt: fromEpochMilliseconds(row.created_at),
    revokedAt: fromNullableEpochMilliseconds(row.revoked_at),
  };
}
