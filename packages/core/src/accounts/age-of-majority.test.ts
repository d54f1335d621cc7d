import { describe, expect, it } from 'vitest';
import { ageInYears, ageOfMajority } from './age-of-majority.js';

describe('age of majority', () => {
  it('ACC-1 counts completed years in UTC, the birthday itself included', () => {
    const today = new Date('2026-11-29T12:00:00Z');
    expect(ageInYears('2008-11-29', today)).toBe(18);
    expect(ageInYears('2008-11-30', today)).toBe(17);
    expect(ageInYears('2000-02-29', new Date('2026-02-28T00:00:00Z'))).toBe(25);
    expect(ageInYears('2000-02-29', new Date('2026-03-01T00:00:00Z'))).toBe(26);
  });

  it('ACC-1 rejects impossible and future dates', () => {
    const today = new Date('2026-11-29T00:00:00Z');
    expect(ageInYears('2001-02-29', today)).toBeNull();
    expect(ageInYears('2030-01-01', today)).toBeNull();
    expect(ageInYears('29/11/2000', today)).toBeNull();
    expect(ageInYears('1850-01-01', today)).toBeNull();
  });

  it('ACC-1 uses the subdivision before the country, then 18', () => {
    expect(ageOfMajority('US', 'US-MS')).toBe(21);
    expect(ageOfMajority('US', 'US-CA')).toBe(18);
    expect(ageOfMajority('KR', null)).toBe(19);
    expect(ageOfMajority('de', null)).toBe(18);
    expect(ageOfMajority('CA', 'ca-bc')).toBe(19);
  });
});
