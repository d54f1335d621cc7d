import {
  InvalidRequestError,
  usageGranularityMs,
  type UsageAggregate,
  type UsageAggregateQuery,
  type UsageQuery,
  type UsageRecord,
  type UsageRecordCursor,
  type UsageReportFilter,
  type UsageReportRepository,
  type UsageRepository,
  type UsageStatus,
} from '@charter/core';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DatabaseSchema, UsageRecordsTable } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

// 15 columns a row: 500 rows stay far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const rowsPerStatement = 500;

/** `UsageRepository` and `UsageReportRepository` on SQLite or PostgreSQL: the one adapter of `usage_records`. */
export class SqlUsageRepository implements UsageRepository, UsageReportRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async insertMany(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const rows = records.map(toUsageRow);
    await this.#db.transaction().execute(async (transaction) => {
      for (let start = 0; start < rows.length; start += rowsPerStatement) {
        await insertUsageRows(transaction, rows.slice(start, start + rowsPerStatement)).execute();
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

  async aggregate(query: UsageAggregateQuery): Promise<UsageAggregate[]> {
    // Epoch milliseconds make buckets plain integer arithmetic on both dialects; UTC hours and days are
    // multiples of their width since the epoch (no leap seconds in Unix time). A literal, not a parameter,
    // so PostgreSQL sees the same expression in SELECT and GROUP BY.
    const bucketStart = sql<number>`created_at - (created_at % ${sql.lit(usageGranularityMs[query.granularity])})`;
    const countStatus = (status: UsageStatus) => sql<number>`sum(case when status = ${status} then 1 else 0 end)`;
    const isGrouped = (dimension: UsageAggregateQuery['groupBy'][number]) => query.groupBy.includes(dimension);
    const rows = await this.#scoped(query)
      .select((eb) => [
        bucketStart.as('bucket_start'),
        eb.fn.countAll<number>().as('requests'),
        countStatus('succeeded').as('succeeded_requests'),
        countStatus('failed').as('failed_requests'),
        countStatus('cancelled').as('cancelled_requests'),
        eb.fn.sum<number>('prompt_tokens').as('prompt_tokens'),
        eb.fn.sum<number>('completion_tokens').as('completion_tokens'),
      ])
      .groupBy(bucketStart)
      .$if(isGrouped('apiKey'), (select) => select.select('api_key_id').groupBy('api_key_id'))
      .$if(isGrouped('model'), (select) => select.select('model').groupBy('model'))
      .$if(isGrouped('member'), (select) => select.select('user_id').groupBy('user_id'))
      .execute();
    // PostgreSQL's sum() of bigint is numeric (a string); Number() gives both dialects the same numbers.
    return rows.map((row) => ({
      bucketStartsAt: fromEpochMilliseconds(Number(row.bucket_start)),
      ...(isGrouped('apiKey') ? { apiKeyId: row.api_key_id ?? null } : {}),
      ...(isGrouped('model') && row.model !== undefined ? { model: row.model } : {}),
      ...(isGrouped('member') && row.user_id !== undefined ? { userId: row.user_id } : {}),
      requests: Number(row.requests),
      succeededRequests: Number(row.succeeded_requests),
      failedRequests: Number(row.failed_requests),
      cancelledRequests: Number(row.cancelled_requests),
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
    }));
  }

  async listPage(query: UsageReportFilter & { after?: UsageRecordCursor; limit: number }): Promise<UsageRecord[]> {
    if (!(Number.isSafeInteger(query.limit) && query.limit > 0)) throw new InvalidRequestError('limit must be a positive integer.', 'limit');
    const after = query.after;
    let select = this.#scoped(query).selectAll();
    if (after !== undefined) {
      const afterMs = toEpochMilliseconds(after.createdAt);
      select = select.where((eb) => eb.or([eb('created_at', '>', afterMs), eb.and([eb('created_at', '=', afterMs), eb('id', '>', after.id)])]));
    }
    const rows = await select.orderBy('created_at').orderBy('id').limit(query.limit).execute();
    return rows.map(toUsageRecord);
  }

  /** The owner's records in the range, filtered: the base of every report query, so none can skip the owner. */
  #scoped(filter: UsageReportFilter) {
    let select = this.#db.selectFrom('usage_records');
    // A user's own usage excludes what it did for an organisation: that counts against the organisation.
    select =
      filter.owner.ownerType === 'user'
        ? select.where('user_id', '=', filter.owner.ownerId).where('organization_id', 'is', null)
        : select.where('organization_id', '=', filter.owner.ownerId);
    select = select.where('created_at', '>=', toEpochMilliseconds(filter.from)).where('created_at', '<', toEpochMilliseconds(filter.to));
    if (filter.apiKeyId !== undefined) select = select.where('api_key_id', '=', filter.apiKeyId);
    if (filter.model !== undefined) select = select.where('model', '=', filter.model);
    return select;
  }
}

/** The insert of usage rows: only a duplicate request id is skipped (a retried flush); any other violation fails. */
export function insertUsageRows(db: Kysely<DatabaseSchema>, rows: Insertable<UsageRecordsTable> | ReadonlyArray<Insertable<UsageRecordsTable>>) {
  return db
    .insertInto('usage_records')
    .values(rows)
    .onConflict((conflict) => conflict.column('request_id').doNothing());
}

/** A usage record as its `usage_records` row. */
export function toUsageRow(record: UsageRecord): Insertable<UsageRecordsTable> {
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
