import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit-event.js';

/** The previous hash of the first event. */
export const genesisAuditHash = '0'.repeat(64);

/** JSON with object keys sorted, so the same event always hashes the same. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}

/** The hash of an event given its predecessor's hash. */
export function computeAuditHash(event: Omit<AuditEvent, 'hash'>): string {
  const { previousHash, ...rest } = event;
  const body = canonicalJson({ ...rest, occurredAt: rest.occurredAt.toISOString() });
  return createHash('sha256').update(previousHash).update('\n').update(body).digest('hex');
}

/** Check a run of events (in sequence order, starting at sequence 1 or after `previousHash`). */
export function verifyAuditChain(events: readonly AuditEvent[], previousHash = genesisAuditHash): { isIntact: boolean; brokenAtSequence: number | null } {
  let expectedPrevious = previousHash;
  let expectedSequence = events[0]?.sequence ?? 1;
  for (const event of events) {
    const { hash, ...withoutHash } = event;
    if (event.sequence !== expectedSequence || event.previousHash !== expectedPrevious || computeAuditHash(withoutHash) !== hash) {
      return { isIntact: false, brokenAtSequence: event.sequence };
    }
    expectedPrevious = hash;
    expectedSequence++;
  }
  return { isIntact: true, brokenAtSequence: null };
}
