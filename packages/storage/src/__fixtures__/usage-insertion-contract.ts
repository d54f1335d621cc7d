import { expect, it } from 'vitest';
import type { UsageRecord, UsageRepository } from '@charter/core';
import { at, buildUsageRecord } from './build-records.js';

const alice = 'user_alice';
const wholeRange = { from: at(-1_000_000), to: at(1_000_000) };

/** What the insertion tests need: something that inserts usage records, a way to read them back and count them. */
export interface UsageInsertionSubject {
  usage: { insertMany(records: readonly UsageRecord[]): Promise<void>; listByUser: UsageRepository['listByUser'] };
  countRecords(): Promise<number>;
}

/**
 * The write guarantees metering relies on, for every way Charter inserts usage records: every field kept, a
 * retried request id stored once (first write wins), and a batch written whole or not at all.
 */
export function describeUsageInsertion(subject: () => UsageInsertionSubject): void {
  it('BIL-3 insertMany stores every field and listByUser reads it back', async () => {
    const succeeded = buildUsageRecord({ userId: alice, apiKeyId: 'key_1', organizationId: 'org_1', createdAt: at(1) });
    const failed = buildUsageRecord({
      userId: alice,
      status: 'failed',
      errorCode: 'engine_timeout',
      engineId: null,
      promptTokens: 0,
      completionTokens: 0,
      timeToFirstTokenMs: null,
      createdAt: at(2),
    });

    await subject().usage.insertMany([succeeded, failed]);

    expect(await subject().usage.listByUser({ userId: alice, ...wholeRange })).toEqual([failed, succeeded]);
  });

  it('BIL-3 the same request id inserted twice is stored once, and the first write wins', async () => {
    const original = buildUsageRecord({ userId: alice, completionTokens: 20 });
    const retried = buildUsageRecord({ userId: alice, requestId: original.requestId, completionTokens: 99 });

    await subject().usage.insertMany([original]);
    await subject().usage.insertMany([retried]);

    expect(await subject().usage.listByUser({ userId: alice, ...wholeRange })).toEqual([original]);
  });

  it('BIL-3 a batch mixing new and already-stored request ids inserts only the new ones', async () => {
    const stored = buildUsageRecord({ userId: alice, createdAt: at(1) });
    await subject().usage.insertMany([stored]);
    const fresh = buildUsageRecord({ userId: alice, createdAt: at(2) });
    const freshRepeatedInBatch = buildUsageRecord({ userId: alice, requestId: fresh.requestId, createdAt: at(3) });

    await subject().usage.insertMany([buildUsageRecord({ userId: alice, requestId: stored.requestId, createdAt: at(4) }), fresh, freshRepeatedInBatch]);

    expect(await subject().usage.listByUser({ userId: alice, ...wholeRange })).toEqual([fresh, stored]);
  });

  it('BIL-3 a batch with an invalid row fails as a whole and inserts none of its rows', async () => {
    const stored = buildUsageRecord({ userId: alice });
    await subject().usage.insertMany([stored]);
    // The bad row comes after more than one statement's worth of good rows, so the transaction must undo
    // statements that already succeeded. A new request under a used id is not a retry: it must not be skipped.
    const goodRows = Array.from({ length: 600 }, () => buildUsageRecord({ userId: alice }));
    const batch = [...goodRows, buildUsageRecord({ userId: alice, id: stored.id })];

    await expect(subject().usage.insertMany(batch)).rejects.toThrow();

    expect(await subject().countRecords()).toBe(1);
  });

  it('BIL-3 insertMany writes a batch larger than one statement in one go', async () => {
    const records = Array.from({ length: 1_201 }, (_, index) => buildUsageRecord({ userId: alice, createdAt: at(index) }));

    await subject().usage.insertMany(records);
    await subject().usage.insertMany(records);
    await subject().usage.insertMany([]);

    expect(await subject().countRecords()).toBe(1_201);
  });
}
