import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  it('ACC-4 generates ten distinct 80-bit codes that survive retyping', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
      const canonical = normalizeRecoveryCode(code)!;
      expect(normalizeRecoveryCode(` ${code.toUpperCase().replaceAll('-', ' ')} `)).toBe(canonical);
    }
    expect(normalizeRecoveryCode('0o1I-lL00-0000-0000')).toBe('0011110000000000');
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode('uuuu-uuuu-uuuu-uuuu')).toBeNull();
  });

  it('ACC-4 hashes per user, so equal codes of two users differ when stored', () => {
    expect(hashRecoveryCode('user_a', 'abcdabcdabcdabcd')).not.toBe(hashRecoveryCode('user_b', 'abcdabcdabcdabcd'));
    expect(hashRecoveryCode('user_a', 'abcdabcdabcdabcd')).toMatch(/^[0-9a-f]{64}$/);
  });
});
