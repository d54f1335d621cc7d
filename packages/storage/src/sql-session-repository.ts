import type { Session, SessionRepository } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, SessionsTable } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `SessionRepository` on SQLite or PostgreSQL. */
export class SqlSessionRepository implements SessionRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insert(session: Session): Promise<void> {
    await this.#db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        token_hash: session.tokenHash,
        method: session.method,
        ip_address: session.ipAddress,
        user_agent: session.userAgent,
        created_at: toEpochMilliseconds(session.createdAt),
        last_seen_at: toEpochMilliseconds(session.lastSeenAt),
        authenticated_at: toEpochMilliseconds(session.authenticatedAt),
        absolute_expires_at: toEpochMilliseconds(session.absoluteExpiresAt),
        revoked_at: null,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toSession(row);
  }

  async listActive(userId: string, now: Date): Promise<Session[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('absolute_expires_at', '>', toEpochMilliseconds(now))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toSession);
  }

  async revoke(userId: string, sessionId: string, revokedAt: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('sessions')
      .set({ revoked_at: toEpochMilliseconds(revokedAt) })
      .where('user_id', '=', userId)
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeAll(userId: string, revokedAt: Date, exceptSessionId?: string): Promise<number> {
    let query = this.#db.updateTable('sessions').set({ revoked_at: toEpochMilliseconds(revokedAt) }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async recordLastSeen(entries: ReadonlyArray<{ sessionId: string; lastSeenAt: Date }>): Promise<void> {
    const latest = new Map<string, number>();
    for (const entry of entries) latest.set(entry.sessionId, Math.max(toEpochMilliseconds(entry.lastSeenAt), latest.get(entry.sessionId) ?? 0));
    // Sorted so concurrent flushes from several nodes lock rows in the same order and cannot deadlock.
    const ordered = [...latest].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    if (ordered.length === 0) return;
    await this.#db.transaction().execute(async (transaction) => {
      for (const [sessionId, lastSeenAtMs] of ordered) {
        await transaction.updateTable('sessions').set({ last_seen_at: lastSeenAtMs }).where('id', '=', sessionId).where('last_seen_at', '<', lastSeenAtMs).execute();
      }
    });
  }

  async recordAuthenticated(sessionId: string, authenticatedAt: Date): Promise<void> {
    await this.#db.updateTable('sessions').set({ authenticated_at: toEpochMilliseconds(authenticatedAt) }).where('id', '=', sessionId).execute();
  }
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: fromEpochMilliseconds(row.created_at),
    lastSeenAt: fromEpochMilliseconds(row.last_seen_at),
    absoluteExpiresAt: fromEpochMilliseconds(row.absolute_expires_at),
    authenticatedAt: fromEpochMilliseconds(row.authenticated_at),
    revokedAt: fromNullableEpochMilliseconds(row.revoked_at),
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    method: row.method as Session['method'],
  };
}
