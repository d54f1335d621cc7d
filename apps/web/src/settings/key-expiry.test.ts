import { describe, expect, it } from 'vitest';
import { daysUntilExpiry, endOfLocalDay, expiryWarningDays, firstExpiryDay, isExpired } from './key-expiry.js';

describe('API key expiry in the keys page', () => {
  it('API-4 a chosen day expires at its last moment in the reader time zone, across month and year ends', () => {
    const asLocal = (iso: string) => {
      const at = new Date(iso);
      return [at.getFullYear(), at.getMonth() + 1, at.getDate(), at.getHours(), at.getMinutes(), at.getSeconds(), at.getMilliseconds()];
    };
    expect(asLocal(endOfLocalDay('2027-03-15'))).toEqual([2027, 3, 15, 23, 59, 59, 999]);
    expect(asLocal(endOfLocalDay('2026-12-31'))).toEqual([2026, 12, 31, 23, 59, 59, 999]);
    expect(asLocal(endOfLocalDay('2028-02-29'))).toEqual([2028, 2, 29, 23, 59, 59, 999]);
    expect(endOfLocalDay('2027-03-15')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('API-4 the earliest day offered is tomorrow, and a key is expired from its expiry on', () => {
    expect(firstExpiryDay(new Date(2026, 11, 31, 22, 0))).toBe('2027-01-01');
    expect(firstExpiryDay(new Date(2027, 1, 28, 0, 5))).toBe('2027-03-01');
    const now = new Date('2027-01-01T12:00:00Z');
    expect(isExpired({ expires_at: null }, now)).toBe(false);
    expect(isExpired({ expires_at: '2027-01-01T12:00:00.001Z' }, now)).toBe(false);
    expect(isExpired({ expires_at: '2027-01-01T12:00:00.000Z' }, now)).toBe(true);
  });

  it('API-4 a key warns in its last week, counting a started day as a whole one, and not once it has expired', () => {
    const now = new Date('2027-01-01T12:00:00Z');
    const inMs = (ms: number) => ({ expires_at: new Date(now.getTime() + ms).toISOString() });
    const day = 86_400_000;
    expect(daysUntilExpiry({ expires_at: null }, now)).toBeNull();
    expect(daysUntilExpiry(inMs(1), now)).toBe(1);
    expect(daysUntilExpiry(inMs(day), now)).toBe(1);
    expect(daysUntilExpiry(inMs(day + 1), now)).toBe(2);
    expect(daysUntilExpiry(inMs(expiryWarningDays * day), now)).toBe(expiryWarningDays);
    expect(daysUntilExpiry(inMs(expiryWarningDays * day + 1), now)).toBeNull();
    expect(daysUntilExpiry(inMs(0), now)).toBeNull();
    expect(daysUntilExpiry(inMs(-day), now)).toBeNull();
  });
});
