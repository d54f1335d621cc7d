import { type AuditAction, type AuditEvent, type AuditEventInput, type AuditLog, computeAuditHash, genesisAuditHash, newId } from '@charter/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditEventsTable, DatabaseSchema } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** An arbitrary constant naming the audit log's PostgreSQL advisory lock. */
const auditLockKey = 7_305_110_942;

/**
 * `AuditLog` on SQLite or PostgreSQL. Appends are serialised (an advisory lock on PostgreSQL; SQLite has
 * one writer) so each event chains to the one before it; the unique sequence is the last line of defence.
 */
export class SqlAuditLog implements AuditLog {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #isPostgres: boolean;

  constructor(db: Kysely<DatabaseSchema>, dialect: 'sqlite' | 'postgres') {
    this.#db = db;
    this.#isPostgres = dialect === 'postgres';
  }

  append(input: AuditEventInput): Promise<AuditEvent> {
    if (this.#isPostgres) {
      return this.#db.transaction().execute(async (transaction) => {
        await sql`select pg_advisory_xact_lock(${auditLockKey})`.execute(transaction);
        return this.#appendWithin(transaction, input);
      });
    }
    // SQLite: BEGIN IMMEDIATE takes the write lock up front, so a second process waits (busy_timeout)
    // instead of failing when it tries to upgrade a read to a write.
    return this.#db.connection().execute(async (connection) => {
      await sql.raw('begin immediate').execute(connection);
      try {
        const event = await this.#appendWithin(connection, input);
        await sql.raw('commit').execute(connection);
        return event;
      } catch (error) {
        await sql.raw('rollback').execute(connection);
        throw error;
      }
    });
  }

  async #appendWithin(transaction: Kysely<DatabaseSchema>, input: AuditEventInput): Promise<AuditEvent> {
    {
      const last = await transaction.selectFrom('audit_events').select(['sequence', 'hash']).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
      const withoutHash = { ...input, id: newId('audit'), sequence: (last?.sequence ?? 0) + 1, previousHash: last?.hash ?? genesisAuditHash };
      const event: AuditEvent = { ...withoutHash, hash: computeAuditHash(withoutHash) };
      await transaction
        .insertInto('audit_events')
        .values({
          id: event.id,
          sequence: event.sequence,
          action: event.action,
          actor_user_id: event.actor.userId,
          actor_api_key_id: event.actor.apiKeyId,
          actor_request_id: event.actor.requestId,
          actor_via: event.actor.via,
          target_type: event.targetType,
          target_id: event.targetId,
          details_json: JSON.stringify(event.details),
          occurred_at: toEpochMilliseconds(event.occurredAt),
          previous_hash: event.previousHash,
          hash: event.hash,
        })
        .execute();
      return event;
    }
  }

  async list(options: { afterSequence: number; limit: number }): Promise<AuditEvent[]> {
    const rows = await this.#db.selectFrom('audit_events').selectAll().where('sequence', '>', options.afterSequence).orderBy('sequence').limit(options.limit).execute();
    return rows.map(toAuditEvent);
  }
}

function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    sequence: row.sequence,
    action: row.action as AuditAction,
    actor: { userId: row.actor_user_id, apiKeyId: row.actor_api_key_id, requestId: row.actor_request_id, via: row.actor_via as AuditEvent['actor']['via'] },
    targetType: row.target_type,
    targetId: row.target_id,
    details: JSON.parse(row.details_json) as AuditEvent['details'],
    occurredAt: fromEpochMilliseconds(row.occurred_at),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
