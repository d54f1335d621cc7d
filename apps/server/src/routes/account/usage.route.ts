import { Readable } from 'node:stream';
import {
  errorResponseSchema,
  usageExportQuerySchema,
  usageReportQuerySchema,
  usageReportSchema,
  type UsageBucketBody,
  type UsageExportQuery,
  type UsageGroupBy,
  type UsageReportBody,
  type UsageTotalsBody,
} from '@charter/contracts';
import { assertActingPermission, type UsageDimension, type UsageRecord, type UsageReport, type UsageTotals } from '@charter/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';
import { toUsageCsvRow, usageCsvHeader } from './usage-csv.js';

const dimensionByGroupBy: Record<UsageGroupBy, UsageDimension> = { api_key: 'apiKey', model: 'model', member: 'member' };
const groupByByDimension: Record<UsageDimension, UsageGroupBy> = { apiKey: 'api_key', model: 'model', member: 'member' };

function toTotalsBody(totals: UsageTotals): UsageTotalsBody {
  return {
    requests: totals.requests,
    succeeded_requests: totals.succeededRequests,
    failed_requests: totals.failedRequests,
    cancelled_requests: totals.cancelledRequests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    total_tokens: totals.promptTokens + totals.completionTokens,
  };
}

/** Domain report → wire shape. */
export function toUsageReportBody(report: UsageReport): UsageReportBody {
  return {
    object: 'list',
    data: report.rows.map((row): UsageBucketBody => ({
      object: 'usage.bucket',
      start_time: row.startsAt.toISOString(),
      end_time: row.endsAt.toISOString(),
      ...(row.apiKeyId === undefined ? {} : { api_key_id: row.apiKeyId }),
      ...(row.model === undefined ? {} : { model: row.model }),
      ...(row.userId === undefined ? {} : { user_id: row.userId }),
      ...toTotalsBody(row),
    })),
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    granularity: report.granularity,
    group_by: report.groupBy.map((dimension) => groupByByDimension[dimension]),
    totals: toTotalsBody(report.totals),
  };
}

// The header, the first page already read (so a failing database is a proper error status, not a cut-off 200), then the rest.
async function* csvLines(first: IteratorResult<readonly UsageRecord[]>, pages: AsyncIterator<readonly UsageRecord[]>): AsyncGenerator<string> {
  yield usageCsvHeader;
  let page = first;
  while (!page.done) {
    yield page.value.map(toUsageCsvRow).join('');
    page = await pages.next();
  }
}

/**
 * The usage API (API-6, BIL-3): `/api/v1/usage` (totals per hour or day, by key, model or member) and
 * `/api/v1/usage/export.csv` (the records). Reads only the caller's billing owner (the organisation the request
 * acts for, to members whose role has `usage.read`); needs the `usage` scope.
 */
export function usageRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const usage = context.services.usageReports;
  const common = { tags: ['Usage'], security: [{ bearerAuth: [] }] };

  typed.get(
    '/api/v1/usage',
    {
      preHandler: context.authenticate,
      schema: { ...common, summary: 'Usage totals per hour or day, optionally by API key, model or member', querystring: usageReportQuerySchema, response: { 200: usageReportSchema, '4xx': errorResponseSchema } },
    },
    async (request) => {
      assertActingPermission(request.actingMember, 'usage.read');
      const query = request.query;
      const report = await usage.report(request.principal, {
        from: new Date(query.from),
        to: new Date(query.to),
        granularity: query.granularity,
        groupBy: query.group_by.map((name) => dimensionByGroupBy[name]),
        apiKeyId: query.api_key_id,
        model: query.model,
      });
      return toUsageReportBody(report);
    },
  );

  // Untyped reply on purpose: the body is a CSV stream, which no JSON response schema describes.
  app.get<{ Querystring: UsageExportQuery }>(
    '/api/v1/usage/export.csv',
    {
      preHandler: context.authenticate,
      schema: { ...common, summary: 'The usage records of a range as CSV (RFC 4180), one row per request', produces: ['text/csv'], querystring: usageExportQuerySchema, response: { '4xx': errorResponseSchema } },
    },
    async (request, reply) => {
      assertActingPermission(request.actingMember, 'usage.read');
      const query = request.query;
      const from = new Date(query.from);
      const to = new Date(query.to);
      const pages = usage.exportRecords(request.principal, { from, to, apiKeyId: query.api_key_id, model: query.model })[Symbol.asyncIterator]();
      const first = await pages.next();
      const filename = `usage-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(Readable.from(csvLines(first, pages)));
    },
  );
}
