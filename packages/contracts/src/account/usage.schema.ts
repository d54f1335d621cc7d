import { z } from 'zod';

/** Dimensions a usage report can be broken down by: API key, public model name, member (user id). */
export const usageGroupBySchema = z.enum(['api_key', 'model', 'member']);
export type UsageGroupBy = z.infer<typeof usageGroupBySchema>;

/** A time in a query string: an RFC 3339 time with offset (`2025-01-31T00:00:00Z`) or a date (`2025-01-31`, UTC midnight). */
export const usageTimeSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an RFC 3339 time such as 2025-01-31T00:00:00Z, or a date such as 2025-01-31 (UTC midnight)',
});

const usageFilterSchema = z.object({
  /** Start of the range, inclusive. */
  from: usageTimeSchema,
  /** End of the range, exclusive. */
  to: usageTimeSchema,
  /** Only requests made with this API key. */
  api_key_id: z.string().min(1).max(100).optional(),
  /** Only requests for this public model name. */
  model: z.string().min(1).max(256).optional(),
});

/** Query of `GET /api/v1/usage`. */
export const usageReportQuerySchema = usageFilterSchema.extend({
  /** Bucket width, in UTC (default `day`). Hourly reports cover at most 31 days, daily ones 366. */
  granularity: z.enum(['hour', 'day']).default('day'),
  /** Comma-separated dimensions to break each bucket down by, e.g. `model,api_key`; omitted for one row per bucket. */
  group_by: z
    .string()
    .max(100)
    .optional()
    .transform((value, context) => {
      const names = (value ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
      const parsed: UsageGroupBy[] = [];
      for (const name of names) {
        const result = usageGroupBySchema.safeParse(name);
        if (!result.success) {
          context.issues.push({ code: 'custom', message: `unknown dimension '${name}'; use ${usageGroupBySchema.options.join(', ')}`, input: value });
          return z.NEVER;
        }
        parsed.push(result.data);
      }
      return parsed;
    }),
});
export type UsageReportQuery = z.infer<typeof usageReportQuerySchema>;

/** Query of `GET /api/v1/usage/export.csv`. Exports cover at most 366 days. */
export const usageExportQuerySchema = usageFilterSchema;
export type UsageExportQuery = z.infer<typeof usageExportQuerySchema>;

/** Sums over usage records. */
export const usageTotalsSchema = z.object({
  requests: z.number().int(),
  succeeded_requests: z.number().int(),
  failed_requests: z.number().int(),
  cancelled_requests: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});
export type UsageTotalsBody = z.infer<typeof usageTotalsSchema>;

/**
 * One row of a report: a bucket (clipped to the requested range) and, for each dimension grouped by, its
 * value. Dimensions not grouped by are absent. Buckets without requests are left out.
 */
export const usageBucketSchema = usageTotalsSchema.extend({
  object: z.literal('usage.bucket'),
  /** Start of the bucket (or of the range, if later), RFC 3339 UTC. */
  start_time: z.string(),
  /** End of the bucket (or of the range, if earlier), exclusive. */
  end_time: z.string(),
  /** When grouped by `api_key`; null for requests made without a key. */
  api_key_id: z.string().nullable().optional(),
  /** When grouped by `model`. */
  model: z.string().optional(),
  /** When grouped by `member`: the user who made the requests. */
  user_id: z.string().optional(),
});
export type UsageBucketBody = z.infer<typeof usageBucketSchema>;

/** Response of `GET /api/v1/usage`. */
export const usageReportSchema = z.object({
  object: z.literal('list'),
  data: z.array(usageBucketSchema),
  from: z.string(),
  to: z.string(),
  granularity: z.enum(['hour', 'day']),
  group_by: z.array(usageGroupBySchema),
  /** Sums over the whole range (all rows). */
  totals: usageTotalsSchema,
});
export type UsageReportBody = z.infer<typeof usageReportSchema>;

/** Columns of `GET /api/v1/usage/export.csv`, in order: one row per metered request, times in RFC 3339 UTC. */
export const usageExportCsvColumns = [
  'id',
  'request_id',
  'created_at',
  'api_key_id',
  'user_id',
  'organization_id',
  'endpoint',
  'model',
  'engine_id',
  'status',
  'error_code',
  'prompt_tokens',
  'completion_tokens',
  'latency_ms',
  'time_to_first_token_ms',
] as const;
export type UsageExportCsvColumn = (typeof usageExportCsvColumns)[number];

/** What a client sends as the query of `GET /api/v1/usage` (before defaults and parsing). */
export type UsageReportQueryInput = z.input<typeof usageReportQuerySchema>;
/** What a client sends as the query of `GET /api/v1/usage/export.csv`. */
export type UsageExportQueryInput = z.input<typeof usageExportQuerySchema>;
