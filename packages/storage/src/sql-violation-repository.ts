import type { ModerationAction, ModerationCategory, ModerationDirection, ModerationSource, ViolationEvent, ViolationRepository } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, ViolationEventsTable } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `ViolationRepository` on SQLite or PostgreSQL. */
export class SqlViolationRepository implements ViolationRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insertMany(events: readonly ViolationEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#db
      .insertInto('violation_events')
      .values(
        events.map((event) => ({
          id: event.id,
          request_id: event.requestId,
          user_id: event.userId,
          organization_id: event.organizationId,
          api_key_id: event.apiKeyId,
          direction: event.direction,
          source: event.source,
          category: event.category,
          score_millionths: Math.round(event.score * 1_000_000),
          action: event.action,
          excerpt_hash: event.excerptHash,
          evidence_text: event.evidenceText,
          occurred_at: toEpochMilliseconds(event.occurredAt),
        })),
      )
      .execute();
  }

  async listByUser(userId: string, options: { from: Date; to: Date; limit?: number }): Promise<ViolationEvent[]> {
    const rows = await this.#db
      .selectFrom('violation_events')
      .selectAll()
      .where('user_id', '=', userId)
      .where('occurred_at', '>=', toEpochMilliseconds(options.from))
      .where('occurred_at', '<', toEpochMilliseconds(options.to))
      .orderBy('occurred_at', 'desc')
      .limit(options.limit ?? 1000)
      .execute();
    return rows.map(toViolationEvent);
  }
}

function toViolationEvent(row: Selectable<ViolationEventsTable>): ViolationEvent {
  return {
    id: row.id,
    requestId: row.request_id,
    userId: row.user_id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    direction: row.direction as ModerationDirection,
    source: row.source as ModerationSource,
    category: row.category as ModerationCategory,
    score: row.score_millionths / 1_000_000,
    action: row.action as ModerationAction,
    excerptHash: row.excerpt_hash,
    evidenceText: row.evidence_text,
    occurredAt: fromEpochMilliseconds(row.occurred_at),
  };
}
