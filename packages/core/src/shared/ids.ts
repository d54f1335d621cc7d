import { randomUUID } from 'node:crypto';

/**
 * A random, unguessable id with a readable prefix, e.g. `key_3f2a…` (122 random bits). randomUUID draws from
 * a cached entropy pool, several times cheaper than randomBytes per call on the request path.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}
