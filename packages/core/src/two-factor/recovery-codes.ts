import { createHash, randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so codes survive being read aloud or written down. */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const codeBytes = 10;
export const recoveryCodeCount = 10;

/**
 * Ten new recovery codes, `xxxx-xxxx-xxxx-xxxx`: 80 random bits each. With that much entropy a fast hash
 * (SHA-256) is enough to store them: guessing one from its hash takes ~2^79 tries, where a slow hash would only
 * matter for low-entropy, human-chosen secrets such as passwords.
 */
export function generateRecoveryCodes(count = recoveryCodeCount): string[] {
  return Array.from({ length: count }, () => formatRecoveryCode(encodeBase32(randomBytes(codeBytes))));
}

/** The canonical form of a typed recovery code, or null when it cannot be one. */
export function normalizeRecoveryCode(typed: string): string | null {
  const compact = typed
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  return compact.length === codeBytes * 1.6 && [...compact].every((character) => alphabet.includes(character)) ? compact : null;
}

/** The stored form: SHA-256 over the user id and the canonical code (the same code of two users differs). */
export function hashRecoveryCode(userId: string, normalizedCode: string): string {
  return createHash('sha256').update(`charter recovery code v1|${userId}|${normalizedCode}`).digest('hex');
}

function formatRecoveryCode(compact: string): string {
  return compact.match(/.{4}/g)!.join('-');
}

function encodeBase32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return output;
}
