import { describe, expect, it } from 'vitest';
import { isValidChineseResidentId, isValidIban, isValidLuhn, isValidUkNino, isValidUsSsn } from './personal-data-checksums.js';

describe('personal-data checksums', () => {
  it('AUP-5 Luhn accepts valid card numbers and rejects a changed digit', () => {
    expect(isValidLuhn('4111 1111 1111 1111')).toBe(true);
    expect(isValidLuhn('5555-5555-5555-4444')).toBe(true);
    expect(isValidLuhn('378282246310005')).toBe(true);
    expect(isValidLuhn('79927398713')).toBe(true);
    expect(isValidLuhn('4111111111111112')).toBe(false);
    expect(isValidLuhn('79927398710')).toBe(false);
    expect(isValidLuhn('abcd')).toBe(false);
  });

  it('AUP-5 IBAN mod-97 accepts valid numbers (any spacing or case) and rejects a changed digit or wrong length', () => {
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('fr1420041010050500013m02606')).toBe(true);
    expect(isValidIban('GB82WEST12345698765433')).toBe(false);
    expect(isValidIban('DE8937040044053201300')).toBe(false);
    expect(isValidIban('XX00')).toBe(false);
  });

  it('AUP-5 US SSN rejects the never-issued areas, groups and serials', () => {
    expect(isValidUsSsn('123-45-6789')).toBe(true);
    expect(isValidUsSsn('000-45-6789')).toBe(false);
    expect(isValidUsSsn('666-45-6789')).toBe(false);
    expect(isValidUsSsn('912-45-6789')).toBe(false);
    expect(isValidUsSsn('123-00-6789')).toBe(false);
    expect(isValidUsSsn('123-45-0000')).toBe(false);
  });

  it('AUP-5 UK NINO checks prefix letters and suffix', () => {
    expect(isValidUkNino('AB 12 34 56 C')).toBe(true);
    expect(isValidUkNino('QQ123456A')).toBe(false);
    expect(isValidUkNino('BG123456A')).toBe(false);
    expect(isValidUkNino('AB123456E')).toBe(false);
  });

  it('AUP-5 PRC resident id checks the MOD 11-2 check character and the birth date', () => {
    expect(isValidChineseResidentId('11010519491231002X')).toBe(true);
    expect(isValidChineseResidentId('110105194912310021')).toBe(false);
    expect(isValidChineseResidentId('11010519491331002X')).toBe(false);
  });
});
