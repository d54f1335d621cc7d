import type { UsageExportQueryInput, UsageGroupBy, UsageReportBody, UsageReportQueryInput } from '@charter/contracts';
import type { SdkRequest } from './sdk-request.js';

/** Query of a usage report; `group_by` as a list (sent comma-separated). */
export type UsageReportQuery = Omit<UsageReportQueryInput, 'group_by'> & { group_by?: readonly UsageGroupBy[] };

/** `?a=1&b=2` from the defined entries, or '' when none. */
export function toQueryString(query: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function usageReportPath(query: UsageReportQuery): string {
  return `/api/v1/usage${toQueryString({ from: query.from, to: query.to, granularity: query.granularity, group_by: query.group_by?.join(','), api_key_id: query.api_key_id, model: query.model })}`;
}

export function usageExportPath(query: UsageExportQueryInput): string {
  return `/api/v1/usage/export.csv${toQueryString({ from: query.from, to: query.to, api_key_id: query.api_key_id, model: query.model })}`;
}

/**
 * Usage (API-6): totals per hour or day, and the CSV export. Both report the organisation the client acts for,
 * if any. `exportUrl` suits a plain link only for personal usage, since a link cannot send the organisation
 * header; `exportCsv` fetches with the client's headers.
 */
export function createUsageApi(request: SdkRequest, options: { urlOf: (path: string) => string; download: (path: string) => Promise<Blob> }) {
  return {
    report: (query: UsageReportQuery) => request<UsageReportBody>('GET', usageReportPath(query)),
    exportUrl: (query: UsageExportQueryInput) => options.urlOf(usageExportPath(query)),
    exportCsv: (query: UsageExportQueryInput) => options.download(usageExportPath(query)),
  };
}

export type UsageApi = ReturnType<typeof createUsageApi>;
