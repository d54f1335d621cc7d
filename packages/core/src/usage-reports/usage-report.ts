import type { BillingOwner } from '../limits/billing-owner.js';

/** Widths of the time buckets a usage report adds up in (UTC). */
export const usageGranularities = ['hour', 'day'] as const;
/** One bucket width. */
export type UsageGranularity = (typeof usageGranularities)[number];

/** Bucket widths in milliseconds. Buckets start at multiples of the width since the Unix epoch, i.e. on UTC hours and days. */
export const usageGranularityMs: Readonly<Record<UsageGranularity, number>> = { hour: 3_600_000, day: 86_400_000 };

/** What a usage report can be broken down by besides time: API key, public model name, and member (the user who made the request). */
export const usageDimensions = ['apiKey', 'model', 'member'] as const;
/** One breakdown. */
export type UsageDimension = (typeof usageDimensions)[number];

/**
 * Which usage records a report or export reads. `owner` is required: a user's report holds the requests it
 * made for itself (`organizationId` null); an organisation's holds every request made for it, by any member.
 * `from` is inclusive, `to` exclusive.
 */
export interface UsageReportFilter {
  owner: BillingOwner;
  from: Date;
  to: Date;
  /** Only requests made with this API key. */
  apiKeyId?: string;
  /** Only requests for this public model name. */
  model?: string;
}

/** A report query as the repository receives it (already validated). */
export interface UsageAggregateQuery extends UsageReportFilter {
  granularity: UsageGranularity;
  /** Dimensions to break each bucket down by; empty for one row per bucket. */
  groupBy: readonly UsageDimension[];
}

/** Sums over a set of usage records (BIL-3). */
export interface UsageTotals {
  requests: number;
  succeededRequests: number;
  failedRequests: number;
  cancelledRequests: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * One row of an aggregation: a time bucket, the dimension values it was grouped by (absent when not grouped
 * by that dimension), and the totals of its records.
 */
export interface UsageAggregate extends UsageTotals {
  /** Start of the bucket (a multiple of the granularity since the epoch). */
  bucketStartsAt: Date;
  /** Present when grouped by API key; null for requests made without a key. */
  apiKeyId?: string | null;
  /** Present when grouped by model. */
  model?: string;
  /** Present when grouped by member. */
  userId?: string;
}

/** A row of a report: an aggregate whose bucket is clipped to the report's range. */
export interface UsageReportRow extends UsageAggregate {
  /** The later of the bucket start and the report's `from`. */
  startsAt: Date;
  /** The earlier of the bucket end and the report's `to`. */
  endsAt: Date;
}

/** A usage report: non-empty buckets in time order, then by dimension values, and the totals of the range. */
export interface UsageReport {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  groupBy: UsageDimension[];
  rows: UsageReportRow[];
  totals: UsageTotals;
}

/** Position after which the next page of an export starts: records are ordered by creation time, then id. */
export interface UsageRecordCursor {
  createdAt: Date;
  id: string;
}
