import type { IdentityBlocklist } from '@charter/core';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './database-schema.js';
import { toEpochMilliseconds } from './epoch-milliseconds.js';

/** `IdentityBlocklist` on SQLite or PostgreSQL: hashes of terminated identities. */
export class SqlIdentityBlocklist implements IdentityBlocklist {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async isBlocked(identityHash: string): Promise<boolean> {
    const row = await this.#db.selectFrom('blocked_identities').select('identity_hash').where('identity_hash', '=', identityHash).executeTakeFirst();
    return row !== undefined;
  }

  async block(entry: { identityHash: string; kind: 'email' | 'sso_subject'; reason: string; blockedAt: Date }): Promise<void> {
    await this.#db
      .insertInto('blocked_identities')
      .values({ identity_hash: entry.identityHash, kind: entry.kind, reason: entry.reason, blocked_at: toEpochMilliseconds(entry.blockedAt) })
      .onConflict((conflict) => conflict.column('identity_hash').doNothing())
      .execute();
  }
}
