import { describe, expect, it } from 'vitest';
import { isValidTimeZone, quotaPeriodAt, startOfLocalDay } from './quota-period.js';

const iso = (range: { startsAt: Date; endsAt: Date }) => [range.startsAt.toISOString(), range.endsAt.toISOString()];
const at = (text: string) => new Date(text);
const hours = (range: { startsAt: Date; endsAt: Date }) => (range.endsAt.getTime() - range.startsAt.getTime()) / 3_600_000;

describe('quota periods in the billing time zone', () => {
  it('API-6 Europe/Berlin: months begin at local midnight, across the spring and autumn clock changes', () => {
    const march = quotaPeriodAt(at('2025-03-15T12:00:00Z'), 'month', 'Europe/Berlin');
    expect(iso(march)).toEqual(['2025-02-28T23:00:00.000Z', '2025-03-31T22:00:00.000Z']);
    expect(hours(march)).toBe(31 * 24 - 1);
    expect(iso(quotaPeriodAt(at('2025-03-31T21:59:59.999Z'), 'month', 'Europe/Berlin'))[0]).toBe('2025-02-28T23:00:00.000Z');
    expect(iso(quotaPeriodAt(at('2025-03-31T22:00:00.000Z'), 'month', 'Europe/Berlin'))[0]).toBe('2025-03-31T22:00:00.000Z');
    const october = quotaPeriodAt(at('2025-10-26T12:00:00Z'), 'month', 'Europe/Berlin');
    expect(iso(october)).toEqual(['2025-09-30T22:00:00.000Z', '2025-10-31T23:00:00.000Z']);
    expect(hours(october)).toBe(31 * 24 + 1);
  });

  it('API-6 America/New_York: months and years around DST and the year end', () => {
    expect(iso(quotaPeriodAt(at('2025-11-02T12:00:00Z'), 'month', 'America/New_York'))).toEqual(['2025-11-01T04:00:00.000Z', '2025-12-01T05:00:00.000Z']);
    expect(iso(quotaPeriodAt(at('2024-03-10T12:00:00Z'), 'month', 'America/New_York'))).toEqual(['2024-03-01T05:00:00.000Z', '2024-04-01T04:00:00.000Z']);
    // 23:59:59 on New Year's Eve in New York is already 2026 in UTC, but still 2025 for this owner.
    expect(iso(quotaPeriodAt(at('2026-01-01T04:59:59.000Z'), 'year', 'America/New_York'))).toEqual(['2025-01-01T05:00:00.000Z', '2026-01-01T05:00:00.000Z']);
    expect(iso(quotaPeriodAt(at('2026-01-01T05:00:00.000Z'), 'year', 'America/New_York'))[0]).toBe('2026-01-01T05:00:00.000Z');
  });

  it('API-6 Asia/Shanghai: the year turns eight hours before UTC', () => {
    expect(iso(quotaPeriodAt(at('2025-12-31T15:59:59.999Z'), 'year', 'Asia/Shanghai'))).toEqual(['2024-12-31T16:00:00.000Z', '2025-12-31T16:00:00.000Z']);
    expect(iso(quotaPeriodAt(at('2025-12-31T16:00:00.000Z'), 'year', 'Asia/Shanghai'))).toEqual(['2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(iso(quotaPeriodAt(at('2025-12-31T16:00:00.000Z'), 'month', 'Asia/Shanghai'))).toEqual(['2025-12-31T16:00:00.000Z', '2026-01-31T16:00:00.000Z']);
  });

  it('API-6 Pacific/Auckland: southern-hemisphere summer time, the first year to begin', () => {
    expect(iso(quotaPeriodAt(at('2025-12-31T11:00:00Z'), 'year', 'Pacific/Auckland'))).toEqual(['2025-12-31T11:00:00.000Z', '2026-12-31T11:00:00.000Z']);
    expect(iso(quotaPeriodAt(at('2025-12-31T10:59:59.999Z'), 'month', 'Pacific/Auckland'))).toEqual(['2025-11-30T11:00:00.000Z', '2025-12-31T11:00:00.000Z']);
    // Summer time ends on 6 April 2025: April starts at +13 and ends at +12.
    const april = quotaPeriodAt(at('2025-04-10T00:00:00Z'), 'month', 'Pacific/Auckland');
    expect(iso(april)).toEqual(['2025-03-31T11:00:00.000Z', '2025-04-30T12:00:00.000Z']);
    expect(hours(april)).toBe(30 * 24 + 1);
  });

  it('API-6 leap years: February 2024 has 29 days and 2024 has 366, in UTC and elsewhere', () => {
    const february = quotaPeriodAt(at('2024-02-29T23:59:59.999Z'), 'month', 'UTC');
    expect(iso(february)).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(hours(february)).toBe(29 * 24);
    expect(hours(quotaPeriodAt(at('2025-02-10T00:00:00Z'), 'month', 'UTC'))).toBe(28 * 24);
    expect(hours(quotaPeriodAt(at('2024-06-01T00:00:00Z'), 'year', 'UTC'))).toBe(366 * 24);
    expect(hours(quotaPeriodAt(at('2023-06-01T00:00:00Z'), 'year', 'UTC'))).toBe(365 * 24);
    expect(iso(quotaPeriodAt(at('2024-02-15T00:00:00Z'), 'month', 'Pacific/Auckland'))).toEqual(['2024-01-31T11:00:00.000Z', '2024-02-29T11:00:00.000Z']);
    expect(hours(quotaPeriodAt(at('2024-06-01T00:00:00Z'), 'year', 'Europe/Berlin'))).toBe(366 * 24);
  });

  it('API-6 a day whose midnight is skipped begins at the jump; one whose midnight repeats begins at the first', () => {
    // Chile moved clocks from 00:00 to 01:00 on 8 September 2024.
    expect(startOfLocalDay(2024, 9, 8, 'America/Santiago').toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(startOfLocalDay(2024, 4, 7, 'America/Santiago').toISOString()).toBe('2024-04-07T04:00:00.000Z');
    // Cuba moved clocks from 01:00 back to 00:00 on 3 November 2024: midnight happened twice.
    expect(startOfLocalDay(2024, 11, 3, 'America/Havana').toISOString()).toBe('2024-11-03T04:00:00.000Z');
  });

  it('API-6 unknown time zones and offsets are refused as invalid requests', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('+02:00')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(() => quotaPeriodAt(new Date(), 'month', 'Mars/Olympus')).toThrow(expect.objectContaining({ code: 'invalid_request_error', param: 'billing_time_zone' }));
  });
});
