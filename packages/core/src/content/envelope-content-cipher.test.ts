import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContentIntegrityError } from './content-cipher.js';
import { EnvelopeContentCipher } from './envelope-content-cipher.js';

const oldKey = { id: 'k2026a', key: randomBytes(32) };
const newKey = { id: 'k2026b', key: randomBytes(32) };
const cipher = new EnvelopeContentCipher({ keys: [oldKey], currentKeyId: 'k2026a' });

/** Flip one bit of the base64url segment `index` of a sealed value. */
function flipBit(sealed: string, index: number, byteOffset = 14): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[byteOffset % bytes.length]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('EnvelopeContentCipher', () => {
  it('PRV-9 seals and opens text, with a fresh data key and IV every time and the key id beside it', async () => {
    const plaintext = 'Grüße, 你好 — a secret conversation 🙂';
    const first = await cipher.encrypt(plaintext, 'messages.content:user_1');
    const second = await cipher.encrypt(plaintext, 'messages.content:user_1');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^ce1\.k2026a\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(first).not.toContain(Buffer.from(plaintext).toString('base64url').slice(0, 8));
    expect(await cipher.decrypt(first, 'messages.content:user_1')).toBe(plaintext);
    expect(await cipher.decrypt(await cipher.encrypt('', 'x'), 'x')).toBe('');
  });

  it('PRV-9 detects tampering with the ciphertext, the wrapped key, the associated data and the key id', async () => {
    const sealed = await cipher.encrypt('TOTP secret', 'two_factor:user_1');
    await expect(cipher.decrypt(flipBit(sealed, 3), 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(flipBit(sealed, 3, 0), 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(flipBit(sealed, 2), 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(sealed, 'two_factor:user_2')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(sealed.replace('.k2026a.', '.k2026b.'), 'two_factor:user_1')).rejects.toThrow('not configured');
    // Relabelled with another configured key's id: that key cannot unwrap it.
    const both = new EnvelopeContentCipher({ keys: [oldKey, newKey], currentKeyId: 'k2026a' });
    await expect(both.decrypt(sealed.replace('.k2026a.', '.k2026b.'), 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(sealed.split('.').slice(0, 3).join('.'), 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(`ce1.k2026a.AAAA.AAAA`, 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
    await expect(cipher.decrypt(sealed.replace(/^ce1/, 'ce2'), 'two_factor:user_1')).rejects.toBeInstanceOf(ContentIntegrityError);
  });

  it('PRV-9 rotates: encrypts with the current key, opens values sealed with any configured key', async () => {
    const sealedWithOld = await cipher.encrypt('before rotation', 'ad');
    const rotated = new EnvelopeContentCipher({ keys: [newKey, oldKey], currentKeyId: 'k2026b' });
    expect(await rotated.decrypt(sealedWithOld, 'ad')).toBe('before rotation');
    expect(rotated.needsReencryption(sealedWithOld)).toBe(true);
    const sealedWithNew = await rotated.encrypt('after rotation', 'ad');
    expect(sealedWithNew.split('.')[1]).toBe('k2026b');
    expect(rotated.needsReencryption(sealedWithNew)).toBe(false);
    // Once the old key is retired, only values still sealed with it stop opening.
    const retired = new EnvelopeContentCipher({ keys: [newKey], currentKeyId: 'k2026b' });
    expect(await retired.decrypt(sealedWithNew, 'ad')).toBe('after rotation');
    await expect(retired.decrypt(sealedWithOld, 'ad')).rejects.toBeInstanceOf(ContentIntegrityError);
  });

  it('PRV-9 refuses bad key configuration clearly', () => {
    expect(() => new EnvelopeContentCipher({ keys: [{ id: 'short', key: randomBytes(16) }], currentKeyId: 'short' })).toThrow('32 bytes');
    expect(() => new EnvelopeContentCipher({ keys: [{ id: 'has.dot', key: randomBytes(32) }], currentKeyId: 'has.dot' })).toThrow('letters');
    expect(() => new EnvelopeContentCipher({ keys: [oldKey, oldKey], currentKeyId: 'k2026a' })).toThrow('twice');
    expect(() => new EnvelopeContentCipher({ keys: [oldKey], currentKeyId: 'missing' })).toThrow('not among');
  });
});
