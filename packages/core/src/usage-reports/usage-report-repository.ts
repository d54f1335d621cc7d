import type { UsageRecord } from '../metering/usage-record.js';
import type { UsageAggregate, UsageAggregateQuery, UsageRecordCursor, UsageReportFilter } from './usage-report.js';

/** Port: reading usage records in aggregate and in pages, always for one owner. */
export interface UsageReportRepository {
  /**
   * Totals per time bucket (and per dimension value when grouped), computed by the database. Only buckets
   * with at least one record are returned; order is unspecified.
   */
  aggregate(query: UsageAggregateQuery): Promise<UsageAggregate[]>;
  /**
   * Up to `limit` records matching the filter, oldest first (ties by id), starting after `after` when given.
   * Keyset pagination: each page costs the same however deep the export is.
   */
  listPage(query: UsageReportFilter & { after?: UsageRecordCursor; limit: number }): Promise<UsageRecord[]>;
}
