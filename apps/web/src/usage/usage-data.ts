import type { UsageBucketBody } from '@charter/contracts';

/** A calendar date `YYYY-MM-DD`. */
export type DateKey = string;

const dayMs = 86_400_000;
/** The server reports hourly for at most 31 days; longer ranges come in UTC days. */
export const maxHourlyRangeMs = 31 * dayMs;

export interface DailyTokens {
  date: DateKey;
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

export interface ModelUsage {
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** The date key of an instant in a time zone (`'UTC'` for UTC days). */
export function dateKeyIn(instant: Date, timeZone: string): DateKey {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The date `days` after (or before) a date. */
export function addDays(date: DateKey, days: number): DateKey {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** Every date from `first` to `last`, both included. */
export function datesBetween(first: DateKey, last: DateKey): DateKey[] {
  const dates: DateKey[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

// Milliseconds the zone's wall clock is ahead of UTC at an instant.
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(instant));
  const value = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const wallClock = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return wallClock - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant at which a date starts in a time zone (checked twice, for days that start in a DST change). */
export function startOfDayIn(date: DateKey, timeZone: string): Date {
  const wallClock = Date.parse(`${date}T00:00:00Z`);
  let instant = wallClock - zoneOffsetMs(wallClock, timeZone);
  instant = wallClock - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

export interface UsageRange {
  /** First and last day shown, inclusive, in the browser's time zone. */
  firstDate: DateKey;
  lastDate: DateKey;
  timeZone: string;
}

/** The UTC range of local days, and the granularity that lets the page count tokens per local day. */
export function usageQueryFor(range: UsageRange): { from: string; to: string; granularity: 'hour' | 'day' } {
  const from = startOfDayIn(range.firstDate, range.timeZone);
  const to = startOfDayIn(addDays(range.lastDate, 1), range.timeZone);
  return { from: from.toISOString(), to: to.toISOString(), granularity: to.getTime() - from.getTime() <= maxHourlyRangeMs ? 'hour' : 'day' };
}

/** The last `days` days up to today, in a time zone. */
export function lastDays(days: number, timeZone: string, now: Date = new Date()): UsageRange {
  const lastDate = dateKeyIn(now, timeZone);
  return { firstDate: addDays(lastDate, -(days - 1)), lastDate, timeZone };
}

/**
 * Tokens per day for the chart, one entry for every day of the range (days without requests are zeros). Hourly
 * buckets are counted on the local day they start in; daily buckets are UTC days and keep their UTC date.
 */
export function dailyTokens(buckets: readonly UsageBucketBody[], range: UsageRange, granularity: 'hour' | 'day'): DailyTokens[] {
  const query = usageQueryFor(range);
  const zone = granularity === 'hour' ? range.timeZone : 'UTC';
  const dates = granularity === 'hour' ? datesBetween(range.firstDate, range.lastDate) : datesBetween(dateKeyIn(new Date(query.from), 'UTC'), dateKeyIn(new Date(Date.parse(query.to) - 1), 'UTC'));
  const byDate = new Map<DateKey, DailyTokens>(dates.map((date) => [date, { date, promptTokens: 0, completionTokens: 0, requests: 0 }]));
  for (const bucket of buckets) {
    const day = byDate.get(dateKeyIn(new Date(bucket.start_time), zone));
    if (!day) continue;
    day.promptTokens += bucket.prompt_tokens;
    day.completionTokens += bucket.completion_tokens;
    day.requests += bucket.requests;
  }
  return [...byDate.values()];
}

/** One row per model over the whole range, most tokens first. */
export function usageByModel(buckets: readonly UsageBucketBody[]): ModelUsage[] {
  const byModel = new Map<string, ModelUsage>();
  for (const bucket of buckets) {
    const model = bucket.model ?? '';
    const row = byModel.get(model) ?? { model, requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    row.requests += bucket.requests;
    row.promptTokens += bucket.prompt_tokens;
    row.completionTokens += bucket.completion_tokens;
    row.totalTokens += bucket.prompt_tokens + bucket.completion_tokens;
    byModel.set(model, row);
  }
  return [...byModel.values()].sort((first, second) => second.totalTokens - first.totalTokens || first.model.localeCompare(second.model));
}

/** Short date label in the page's language (dates are calendar dates, so formatted in UTC). */
export function formatDay(date: string, language: string): string {
  return new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}
