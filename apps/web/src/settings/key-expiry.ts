import type { ApiKeyBody } from '@charter/contracts';

/** The last moment of a calendar day (`YYYY-MM-DD`, as a date input gives it) in the reader's time zone, as RFC 3339. */
export function endOfLocalDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  // Local midnight after the day (the Date constructor applies the zone, daylight saving included), less 1 ms.
  return new Date(new Date(year, month - 1, date + 1).getTime() - 1).toISOString();
}

/** The first day a date input may offer for an expiry: tomorrow in the reader's time zone (`YYYY-MM-DD`). */
export function firstExpiryDay(now: Date = new Date()): string {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}`;
}

/** True once a key's expiry has passed: it no longer authenticates, though it is not revoked. */
export function isExpired(key: Pick<ApiKeyBody, 'expires_at'>, now: Date = new Date()): boolean {
  return key.expires_at !== null && new Date(key.expires_at).getTime() <= now.getTime();
}

/** Within this many days of its expiry a key's row warns that it will stop working. */
export const expiryWarningDays = 7;

/**
 * Whole days until a key stops working (rounded up, so "1" until its last moment), when that is within
 * `expiryWarningDays`; null when it has no expiry, expires later, or has already expired.
 */
export function daysUntilExpiry(key: Pick<ApiKeyBody, 'expires_at'>, now: Date = new Date()): number | null {
  if (key.expires_at === null) return null;
  const leftMs = new Date(key.expires_at).getTime() - now.getTime();
  if (leftMs <= 0) return null;
  const days = Math.ceil(leftMs / 86_400_000);
  return days <= expiryWarningDays ? days : null;
}
