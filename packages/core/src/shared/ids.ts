import { randomBytes } from 'node:crypto';

/** A random, unguessable id with a readable prefix, e.g. `key_3q2…` (128 bits of randomness). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
