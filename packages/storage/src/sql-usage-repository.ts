import { InvalidRequestError, type UsageQuery, type UsageRecord, type UsageRepository } from '@charter/core';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, UsageRecordsTable } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

// 15 columns a row: 500 rows stay far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const rowsPerStatement = 500;

/** `UsageRepository` on SQLite or PostgreSQL. */
export class SqlUsageRepository implements UsageRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insertMany(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const rows = records.map(toRow);
    await this.#db.transaction().execute(async (transaction) => {
      for (let start = 0; start < rows.length; start += rowsPerStatement) {
        // Only a duplicate request id is skipped (a retried flush); any other violation fails the batch.
        await transaction
          .insertInto('usage_records')
          .values(rows.slice(start, start + rowsPerStatement))
          .onConflict((conflict) => conflict.column('request_id').doNothing())
          .execute();
      }
    });
  }

  /** Records with `from <= createdAt < to`, newest first. */
  async listByUser(query: UsageQuery): Promise<UsageRecord[]> {
    if (query.limit !== undefined && !(Number.isSafeInteger(query.limit) && query.limit > 0)) {
      throw new InvalidRequestError('limit must be a positive integer.', 'limit');
    }
    let select = this.#db
      .selectFrom('usage_records')
      .selectAll()
      .where('user_id', '=', query.userId)
      .where('created_at', '>=', toEpochMilliseconds(query.from))
      .where('created_at', '<', toEpochMilliseconds(query.to));
    if (query.apiKeyId !== undefined) {
      select = select.where('api_key_id', '=', query.apiKeyId);
    }
    if (query.limit !== undefined) {
      select = select.limit(query.limit);
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toUsageRecord);
  }
}

function toRow(record: UsageRecord): Insertable<UsageRecordsTable> {
  return {
    id: record.id,
    request_id: record.requestId,
    api_key_id: record.apiKeyId,
    user_id: record.userId,
    organization_id: record.organizationId,
    endpoint: record.endpoint,
    model: record.model,
    engine_id: record.engineId,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    status: record.status,
    error_code: record.errorCode,
    latency_ms: record.latencyMs,
    time_to_first_token_ms: record.timeToFirstTokenMs,
    created_at: toEpochMilliseconds(record.createdAt),
  };
}

function toUsageRecord(row: Selectable<UsageRecordsTable>): UsageRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    apiKeyId: row.api_key_id,
    userId: row.user_id,
    organizationId: row.organization_id,
    endpoint: row.endpoint,
    model: row.model,
    engineId: row.engine_id,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    status: row.status,
    errorCode: row.error_code,
    latencyMs: row.latency_ms,
    timeToFirstTokenMs: row.time_to_first_token_ms,
    createdAt: fromEpochMilliseconds(row.created_at),
  };
}
