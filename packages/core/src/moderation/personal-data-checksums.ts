/** Luhn (mod 10) check used by payment card numbers. `digits` may contain spaces or dashes. */
export function isValidLuhn(digits: string): boolean {
  const clean = digits.replace(/[\s-]/g, '');
  if (!/^\d{2,}$/.test(clean)) return false;
  let sum = 0;
  let isDoubled = false;
  for (let index = clean.length - 1; index >= 0; index -= 1) {
    let digit = clean.charCodeAt(index) - 48;
    if (isDoubled) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    isDoubled = !isDoubled;
  }
  return sum % 10 === 0;
}

// IBAN lengths by country (ISO 13616 registry); unknown countries fall back to the 15..34 range.
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** IBAN check: known country length and ISO 7064 mod-97 remainder 1. Spaces are ignored, case too. */
export function isValidIban(iban: string): boolean {
  const clean = iban.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(clean)) return false;
  const expectedLength = ibanLengths[clean.slice(0, 2)];
  if (expectedLength !== undefined ? clean.length !== expectedLength : clean.length < 15 || clean.length > 34) return false;
  const rearranged = clean.slice(4) + clean.slice(0, 4);
  // Letters become 10..35; the remainder is computed piecewise because the number exceeds 2^53.
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** US Social Security number rules: no 000, 666 or 9xx area, no 00 group, no 0000 serial. */
export function isValidUsSsn(ssn: string): boolean {
  const clean = ssn.replace(/[\s-]/g, '');
  if (!/^\d{9}$/.test(clean)) return false;
  const area = clean.slice(0, 3);
  return area !== '000' && area !== '666' && area[0] !== '9' && clean.slice(3, 5) !== '00' && clean.slice(5) !== '0000';
}

/** UK National Insurance number: two prefix letters (with HMRC's exclusions), six digits, suffix A–D. */
export function isValidUkNino(nino: string): boolean {
  const clean = nino.replace(/\s/g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(clean)) return false;
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(clean.slice(0, 2));
}

const chineseIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const chineseIdCheckCharacters = '10X98765432';

/** PRC resident identity card number (GB 11643): 18 characters, a real birth date, ISO 7064 MOD 11-2 check. */
export function isValidChineseResidentId(id: string): boolean {
  const clean = id.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(clean)) return false;
  const year = Number(clean.slice(6, 10));
  const month = Number(clean.slice(10, 12));
  const day = Number(clean.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || year > 2100 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += (clean.charCodeAt(index) - 48) * (chineseIdWeights[index] as number);
  return chineseIdCheckCharacters[sum % 11] === clean[17];
}
