import { describe, expect, it } from 'vitest';
import { computeAuditHash, genesisAuditHash, verifyAuditChain } from './audit-chain.js';
import type { AuditEvent } from './audit-event.js';

function chain(count: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let previousHash = genesisAuditHash;
  for (let sequence = 1; sequence <= count; sequence++) {
    const withoutHash = {
      id: `audit_${sequence}`,
      sequence,
      previousHash,
      action: 'api_key.created' as const,
      actor: { userId: 'user_1', apiKeyId: null, requestId: null, via: 'cli' as const },
      targetType: 'api_key',
      targetId: `key_${sequence}`,
      details: { name: `key ${sequence}` },
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)),
    };
    const event = { ...withoutHash, hash: computeAuditHash(withoutHash) };
    events.push(event);
    previousHash = event.hash;
  }
  return events;
}

describe('audit chain', () => {
  it('ADM-4 an untouched chain verifies', () => {
    expect(verifyAuditChain(chain(5))).toEqual({ isIntact: true, brokenAtSequence: null });
  });

  it('ADM-4 editing, deleting or reordering an event breaks the chain at that event', () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, details: { name: 'changed' } };
    expect(verifyAuditChain(edited)).toEqual({ isIntact: false, brokenAtSequence: 3 });
    const deleted = chain(5);
    deleted.splice(1, 1);
    expect(verifyAuditChain(deleted).brokenAtSequence).toBe(3);
    const swapped = chain(3);
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    expect(verifyAuditChain(swapped).isIntact).toBe(false);
  });

  it('ADM-4 the hash does not depend on key order in details', () => {
    const [event] = chain(1);
    const reordered = { ...event!, details: Object.fromEntries(Object.entries({ b: 1, a: 2 })) };
    const same = { ...event!, details: { a: 2, b: 1 } };
    const { hash: _h1, ...first } = reordered;
    const { hash: _h2, ...second } = same;
    expect(computeAuditHash(first)).toBe(computeAuditHash(second));
  });
});
