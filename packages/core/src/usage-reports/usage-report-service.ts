import { canCallEndpoint, type Principal } from '../accounts/principal.js';
import { InvalidRequestError, PermissionDeniedError } from '../errors.js';
import { billingOwnerOf } from '../limits/billing-owner.js';
import type { UsageRecord } from '../metering/usage-record.js';
import {
  usageDimensions,
  usageGranularityMs,
  type UsageAggregate,
  type UsageDimension,
  type UsageGranularity,
  type UsageReport,
  type UsageReportFilter,
  type UsageReportRow,
  type UsageTotals,
} from './usage-report.js';
import type { UsageReportRepository } from './usage-report-repository.js';

const dayMs = 86_400_000;

/** The longest range a report or export may cover, per granularity: hourly rows grow 24 times faster. */
export const maxUsageReportRangeDays: Readonly<Record<UsageGranularity | 'export', number>> = { day: 366, hour: 31, export: 366 };

/** A report as asked for by a caller; the owner comes from the principal, never from the input. */
export interface UsageReportInput {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  groupBy?: readonly UsageDimension[];
  apiKeyId?: string;
  model?: string;
}

/** An export as asked for by a caller. */
export type UsageExportInput = Omit<UsageReportInput, 'granularity' | 'groupBy'>;

export interface UsageReportServiceOptions {
  repository: UsageReportRepository;
  /** Records read per database round trip while exporting (default 1000). */
  exportPageSize?: number;
}

/**
 * Use cases of the usage API (API-6, BIL-3 reading side): totals per hour or day, by key, model or member,
 * and the individual records for export. Reads the metering records; every read is for the caller's billing
 * owner (its organisation when the key acts for one, else its user), and needs the `usage` endpoint scope.
 */
export class UsageReportService {
  readonly #repository: UsageReportRepository;
  readonly #exportPageSize: number;

  constructor(options: UsageReportServiceOptions) {
    this.#repository = options.repository;
    this.#exportPageSize = options.exportPageSize ?? 1000;
  }

  async report(principal: Principal, input: UsageReportInput): Promise<UsageReport> {
    const filter = this.#filter(principal, input, input.granularity);
    const groupBy = validateGroupBy(input.groupBy ?? []);
    const aggregates = await this.#repository.aggregate({ ...filter, granularity: input.granularity, groupBy });
    const widthMs = usageGranularityMs[input.granularity];
    const rows = aggregates.sort(compareAggregates).map((aggregate): UsageReportRow => {
      const bucketStartMs = aggregate.bucketStartsAt.getTime();
      return {
        ...aggregate,
        startsAt: new Date(Math.max(bucketStartMs, filter.from.getTime())),
        endsAt: new Date(Math.min(bucketStartMs + widthMs, filter.to.getTime())),
      };
    });
    return { from: filter.from, to: filter.to, granularity: input.granularity, groupBy, rows, totals: sumTotals(rows) };
  }

  /**
   * The caller's records in the range, oldest first, in pages read one at a time (so a year of records is
   * never held in memory). Input is checked before this returns; a record written behind while the export
   * runs appears only if it sorts after the page being read.
   */
  exportRecords(principal: Principal, input: UsageExportInput): AsyncIterable<readonly UsageRecord[]> {
    const filter = this.#filter(principal, input, 'export');
    return this.#pages(filter);
  }

  async *#pages(filter: UsageReportFilter): AsyncGenerator<readonly UsageRecord[]> {
    let page = await this.#repository.listPage({ ...filter, limit: this.#exportPageSize });
    while (page.length > 0) {
      yield page;
      if (page.length < this.#exportPageSize) return;
      const last = page[page.length - 1]!;
      page = await this.#repository.listPage({ ...filter, after: { createdAt: last.createdAt, id: last.id }, limit: this.#exportPageSize });
    }
  }

  #filter(principal: Principal, input: UsageExportInput, limitKind: UsageGranularity | 'export'): UsageReportFilter {
    if (!canCallEndpoint(principal.scopes, 'usage')) {
      throw new PermissionDeniedError('This API key may not read usage: create one with the "usage" endpoint scope.');
    }
    if (!isValidDate(input.from)) throw new InvalidRequestError('from must be a valid time.', 'from');
    if (!isValidDate(input.to)) throw new InvalidRequestError('to must be a valid time.', 'to');
    const rangeMs = input.to.getTime() - input.from.getTime();
    if (rangeMs <= 0) throw new InvalidRequestError('to must be later than from.', 'to');
    const maxDays = maxUsageReportRangeDays[limitKind];
    if (rangeMs > maxDays * dayMs) {
      const what = limitKind === 'export' ? 'An export' : `A report by ${limitKind}`;
      throw new InvalidRequestError(`${what} covers at most ${maxDays} days; ask for a shorter range.`, 'to');
    }
    return {
      owner: billingOwnerOf(principal),
      from: input.from,
      to: input.to,
      ...(input.apiKeyId === undefined ? {} : { apiKeyId: input.apiKeyId }),
      ...(input.model === undefined ? {} : { model: input.model }),
    };
  }
}

function isValidDate(value: Date): boolean {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function validateGroupBy(groupBy: readonly UsageDimension[]): UsageDimension[] {
  for (const dimension of groupBy) {
    if (!(usageDimensions as readonly string[]).includes(dimension)) {
      throw new InvalidRequestError(`Cannot group usage by \`${String(dimension)}\`; use api_key, model or member.`, 'group_by');
    }
  }
  if (new Set(groupBy).size !== groupBy.length) throw new InvalidRequestError('group_by names a dimension twice.', 'group_by');
  // A canonical order, so the same question always yields the same rows in the same order.
  return usageDimensions.filter((dimension) => groupBy.includes(dimension));
}

/** Time first, then API key, model and member; absent and null values sort first, so both dialects order alike. */
function compareAggregates(left: UsageAggregate, right: UsageAggregate): number {
  return (
    left.bucketStartsAt.getTime() - right.bucketStartsAt.getTime() ||
    compareText(left.apiKeyId, right.apiKeyId) ||
    compareText(left.model, right.model) ||
    compareText(left.userId, right.userId)
  );
}

function compareText(left: string | null | undefined, right: string | null | undefined): number {
  if (left === right) return 0;
  if (left === undefined || left === null) return -1;
  if (right === undefined || right === null) return 1;
  return left < right ? -1 : 1;
}

function sumTotals(rows: readonly UsageTotals[]): UsageTotals {
  const totals: UsageTotals = { requests: 0, succeededRequests: 0, failedRequests: 0, cancelledRequests: 0, promptTokens: 0, completionTokens: 0 };
  for (const row of rows) {
    totals.requests += row.requests;
    totals.succeededRequests += row.succeededRequests;
    totals.failedRequests += row.failedRequests;
    totals.cancelledRequests += row.cancelledRequests;
    totals.promptTokens += row.promptTokens;
    totals.completionTokens += row.completionTokens;
  }
  return totals;
}
