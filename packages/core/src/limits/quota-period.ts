import { InvalidRequestError } from '../errors.js';
import type { QuotaPeriod, QuotaPeriodRange } from './quota.js';

const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

// Formatters are costly to build (tens of microseconds) and the set of zones in use is small.
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a time zone this runtime knows by IANA name (e.g. `Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '' || /^[+-]/.test(timeZone)) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws `invalid_request_error` naming `param` unless `timeZone` is a known IANA zone. */
export function assertTimeZone(timeZone: string, param = 'billing_time_zone'): void {
  if (!isValidTimeZone(timeZone)) throw new InvalidRequestError(`Unknown time zone \`${timeZone}\`; use an IANA name such as Europe/Berlin or UTC.`, param);
}

/** Wall-clock fields of an instant in a zone. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) fields[part.type] = part.value;
  const yearOfEra = Number(fields['year']);
  return {
    year: fields['era'] === 'BC' || fields['era'] === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields['month']),
    day: Number(fields['day']),
    hour: Number(fields['hour']),
    minute: Number(fields['minute']),
    second: Number(fields['second']),
  };
}

/** The zone's offset from UTC at an instant (local minus UTC), to the second. */
function offsetMsAt(instantMs: number, timeZone: string): number {
  const wall = wallTimeAt(instantMs, timeZone);
  const wholeSecondMs = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - wholeSecondMs;
}

/**
 * The first instant of a local calendar day. Usually local midnight; when midnight falls in an overlap
 * (clocks went back at midnight) the earlier occurrence; when it does not exist (clocks jumped forward at
 * midnight, e.g. America/Santiago) the instant of the jump, which is the day's first moment.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  const wallAsUtcMs = Date.UTC(year, month - 1, day);
  const offsetBefore = offsetMsAt(wallAsUtcMs - dayMs, timeZone);
  const offsetAfter = offsetMsAt(wallAsUtcMs + dayMs, timeZone);
  const candidates = [...new Set([offsetBefore, offsetAfter])]
    .map((offsetMs) => wallAsUtcMs - offsetMs)
    .filter((candidateMs) => offsetMsAt(candidateMs, timeZone) === wallAsUtcMs - candidateMs);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wallAsUtcMs - offsetBefore);
}

/** The calendar month or year containing `instant`, as it begins and ends in `timeZone`. */
export function quotaPeriodAt(instant: Date, period: QuotaPeriod, timeZone: string): QuotaPeriodRange {
  assertTimeZone(timeZone);
  const wall = wallTimeAt(instant.getTime(), timeZone);
  if (period === 'year') {
    return { startsAt: startOfLocalDay(wall.year, 1, 1, timeZone), endsAt: startOfLocalDay(wall.year + 1, 1, 1, timeZone) };
  }
  const nextMonthYear = wall.month === 12 ? wall.year + 1 : wall.year;
  const nextMonth = wall.month === 12 ? 1 : wall.month + 1;
  return { startsAt: startOfLocalDay(wall.year, wall.month, 1, timeZone), endsAt: startOfLocalDay(nextMonthYear, nextMonth, 1, timeZone) };
}
