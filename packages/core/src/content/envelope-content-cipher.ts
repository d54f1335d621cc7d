import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type ContentCipher, ContentIntegrityError } from './content-cipher.js';

/** A 256-bit master key (key-encryption key) and the id stored beside everything it protects. */
export interface MasterKey {
  /** Letters, digits, `_` and `-`; never reuse an id for different key material. */
  id: string;
  /** Exactly 32 bytes. */
  key: Uint8Array;
}

const formatVersion = 'ce1';
const ivBytes = 12;
const tagBytes = 16;
const dataKeyBytes = 32;
const keyIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * AES-256-GCM envelope encryption (PRV-9). Each value gets a fresh random data key; the data key is wrapped
 * (AES-256-GCM) by the current master key, whose id is written beside the ciphertext:
 * `ce1.<key id>.<wrapped data key>.<ciphertext>` (base64url, each with its IV and tag). Decryption takes the
 * key named in the value, so master keys rotate without rewriting old rows: add a new current key, keep the old
 * ones until `needsReencryption` finds nothing. The version and key id are authenticated with the content, so
 * editing either fails like editing the ciphertext does.
 */
export class EnvelopeContentCipher implements ContentCipher {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #current: string;

  constructor(options: { keys: readonly MasterKey[]; currentKeyId: string }) {
    const keys = new Map<string, Buffer>();
    for (const masterKey of options.keys) {
      if (!keyIdPattern.test(masterKey.id)) throw new RangeError(`Master key id "${masterKey.id}" must be 1-64 letters, digits, "_" or "-".`);
      if (masterKey.key.length !== 32) throw new RangeError(`Master key "${masterKey.id}" must be 32 bytes, not ${masterKey.key.length}.`);
      if (keys.has(masterKey.id)) throw new RangeError(`Master key id "${masterKey.id}" is configured twice.`);
      keys.set(masterKey.id, Buffer.from(masterKey.key));
    }
    if (!keys.has(options.currentKeyId)) throw new RangeError(`The current master key "${options.currentKeyId}" is not among the configured keys.`);
    this.#keys = keys;
    this.#current = options.currentKeyId;
  }

  async encrypt(plaintext: string, associatedData: string): Promise<string> {
    const masterKey = this.#keys.get(this.#current)!;
    const dataKey = randomBytes(dataKeyBytes);
    try {
      const wrapped = seal(masterKey, dataKey, wrapContext(this.#current));
      const ciphertext = seal(dataKey, Buffer.from(plaintext, 'utf8'), contentContext(this.#current, associatedData));
      return [formatVersion, this.#current, wrapped.toString('base64url'), ciphertext.toString('base64url')].join('.');
    } finally {
      dataKey.fill(0);
    }
  }

  async decrypt(sealed: string, associatedData: string): Promise<string> {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== formatVersion) throw new ContentIntegrityError('Not a sealed value of a known format.');
    const [, keyId, wrapped, ciphertext] = parts as [string, string, string, string];
    const masterKey = this.#keys.get(keyId);
    if (!masterKey) throw new ContentIntegrityError(`The master key "${keyId}" that sealed this value is not configured.`);
    const dataKey = open(masterKey, Buffer.from(wrapped, 'base64url'), wrapContext(keyId));
    try {
      return open(dataKey, Buffer.from(ciphertext, 'base64url'), contentContext(keyId, associatedData)).toString('utf8');
    } finally {
      dataKey.fill(0);
    }
  }

  needsReencryption(sealed: string): boolean {
    return sealed.split('.', 2)[1] !== this.#current;
  }
}

// Domain separation: a wrapped data key can never be mistaken for content, nor content for a wrapped key.
function wrapContext(keyId: string): Buffer {
  return Buffer.from(`${formatVersion}|data-key|${keyId}`, 'utf8');
}

function contentContext(keyId: string, associatedData: string): Buffer {
  return Buffer.from(`${formatVersion}|content|${keyId}|${associatedData}`, 'utf8');
}

/** IV ‖ ciphertext ‖ tag. */
function seal(key: Buffer, plaintext: Buffer, associatedData: Buffer): Buffer {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function open(key: Buffer, box: Buffer, associatedData: Buffer): Buffer {
  if (box.length < ivBytes + tagBytes) throw new ContentIntegrityError('The sealed value is truncated.');
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, ivBytes), { authTagLength: tagBytes });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(box.subarray(box.length - tagBytes));
  try {
    return Buffer.concat([decipher.update(box.subarray(ivBytes, box.length - tagBytes)), decipher.final()]);
  } catch (error) {
    throw new ContentIntegrityError('The sealed value was altered or belongs elsewhere.', { cause: error });
  }
}
