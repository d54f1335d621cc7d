import { describe, expect, it } from 'vitest';
import { newId, newTimeOrderedId } from './ids.js';

describe('ids', () => {
  it('newId: a prefix and 32 hex digits, never repeated', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('key')));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^key_[0-9a-f]{32}$/);
  });

  it('newTimeOrderedId: sorts by creation time, keeps 74 random bits, same shape as newId', () => {
    const early = newTimeOrderedId('usage', Date.UTC(2026, 0, 1));
    const late = newTimeOrderedId('usage', Date.UTC(2026, 0, 1) + 1);
    expect(early).toMatch(/^usage_[0-9a-f]{32}$/);
    expect(early.slice(6, 18)).toBe(Date.UTC(2026, 0, 1).toString(16).padStart(12, '0'));
    expect(early < late).toBe(true);
    // Within one millisecond only the random part differs, and it does every time.
    const sameMs = Array.from({ length: 10_000 }, () => newTimeOrderedId('req', 1_790_000_000_000));
    expect(new Set(sameMs).size).toBe(10_000);
    const randomParts = new Set(sameMs.map((id) => id.slice(16)));
    expect(randomParts.size).toBe(10_000);
  });
});
