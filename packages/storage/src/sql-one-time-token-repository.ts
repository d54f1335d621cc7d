import type { OneTimeToken, OneTimeTokenPurpose, OneTimeTokenRepository } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, OneTimeTokensTable } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `OneTimeTokenRepository` on SQLite or PostgreSQL. */
export class SqlOneTimeTokenRepository implements OneTimeTokenRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(token: OneTimeToken): Promise<void> {
    await this.#db
      .insertInto('one_time_tokens')
      .values({
        id: token.id,
        user_id: token.userId,
        purpose: token.purpose,
        token_hash: token.tokenHash,
        subject: token.subject,
        created_at: toEpochMilliseconds(token.createdAt),
        expires_at: toEpochMilliseconds(token.expiresAt),
        used_at: null,
      })
      .execute();
  }

  async consume(purpose: OneTimeTokenPurpose, tokenHash: string, now: Date): Promise<OneTimeToken | undefined> {
    // One conditional update is the whole check: of two concurrent redemptions only one matches.
    const row = await this.#db
      .updateTable('one_time_tokens')
      .set({ used_at: toEpochMilliseconds(now) })
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', toEpochMilliseconds(now))
      .returningAll()
      .executeTakeFirst();
    return row && toToken(row);
  }

  async peek(purpose: OneTimeTokenPurpose, tokenHash: string, now: Date): Promise<OneTimeToken | undefined> {
    const row = await this.#db
      .selectFrom('one_time_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', toEpochMilliseconds(now))
      .executeTakeFirst();
    return row && toToken(row);
  }

  async invalidateAll(userId: string, purpose: OneTimeTokenPurpose, at: Date): Promise<void> {
    await this.#db.updateTable('one_time_tokens').set({ used_at: toEpochMilliseconds(at) }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
  }
}

function toToken(row: Selectable<OneTimeTokensTable>): OneTimeToken {
  return {
    id: row.id,
    userId: row.user_id,
    purpose: row.purpose as OneTimeTokenPurpose,
    tokenHash: row.token_hash,
    subject: row.subject,
    createdAt: fromEpochMilliseconds(row.created_at),
    expiresAt: fromEpochMilliseconds(row.expires_at),
    usedAt: fromNullableEpochMilliseconds(row.used_at),
  };
}
