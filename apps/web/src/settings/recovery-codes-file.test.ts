import { describe, expect, it } from 'vitest';
import { recoveryCodesFileName, recoveryCodesFileText } from './recovery-codes-file.js';

describe('recoveryCodesFileText', () => {
  it('ACC-4 holds the heading, the account and every code on its own line, in order', () => {
    const codes = ['abcd-efgh-jkmn-pqrs', '0123-4567-89ab-cdef', 'tvwx-yz01-2345-6789'];
    const text = recoveryCodesFileText({ heading: 'Charter recovery codes', explanation: 'Each code signs in once.', account: 'ada@example.com', createdAt: '2026-05-01 10:00', codes });
    const lines = text.split('\r\n');
    expect(lines.slice(0, 5)).toEqual(['Charter recovery codes', 'ada@example.com', '2026-05-01 10:00', '', 'Each code signs in once.']);
    expect(lines.slice(6, 9)).toEqual(codes);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.match(/\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b/gi)).toEqual(codes);
    expect(recoveryCodesFileName).toMatch(/\.txt$/);
  });
});
