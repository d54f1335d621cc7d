import { usageExportCsvColumns, type UsageExportCsvColumn } from '@charter/contracts';
import type { UsageRecord } from '@charter/core';

/** The header line of the usage export, CRLF-terminated as RFC 4180 asks. */
export const usageCsvHeader = `${usageExportCsvColumns.join(',')}\r\n`;

/** One field per RFC 4180: quoted (quotes doubled) when it holds a comma, quote, CR or LF; null is an empty field. */
export function toCsvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One usage record as a CRLF-terminated CSV line, in the order of `usageExportCsvColumns`. */
export function toUsageCsvRow(record: UsageRecord): string {
  const fields: Record<UsageExportCsvColumn, string | number | null> = {
    id: record.id,
    request_id: record.requestId,
    created_at: record.createdAt.toISOString(),
    api_key_id: record.apiKeyId,
    user_id: record.userId,
    organization_id: record.organizationId,
    endpoint: record.endpoint,
    model: record.model,
    engine_id: record.engineId,
    status: record.status,
    error_code: record.errorCode,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    latency_ms: record.latencyMs,
    time_to_first_token_ms: record.timeToFirstTokenMs,
  };
  return `${usageExportCsvColumns.map((column) => toCsvField(fields[column])).join(',')}\r\n`;
}
