import { verifyAuditChain, type AuditEventInput } from '@charter/core';
import { createTestDatabase, testDialects, type TestDatabase } from '@charter/testing';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { SqlAuditLog } from './sql-audit-log.js';

const input = (targetId: string): AuditEventInput => ({
  action: 'api_key.created',
  actor: { userId: 'user_a', apiKeyId: null, requestId: 'req_1', via: 'api' },
  targetType: 'api_key',
  targetId,
  details: { name: targetId, hasExpiry: false },
  occurredAt: new Date(),
});

describe.each(testDialects)('SqlAuditLog on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.close());

  it('ADM-4 appends events into one intact hash chain, also from concurrent connections', async () => {
    // better-sqlite3 is synchronous: a second connection in the same process would block the thread that
    // holds the lock, so SQLite concurrency is tested through one connection (one per process in production).
    const others = dialect === 'postgres' ? await Promise.all([1, 2].map(() => openDatabase({ url: database.url }))) : [];
    try {
      const logs = [new SqlAuditLog(database.db, dialect), ...others.map((other) => new SqlAuditLog(other.db, dialect))];
      await Promise.all(Array.from({ length: 24 }, (_, index) => logs[index % logs.length]!.append(input(`key_${index}`))));
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    const events = await new SqlAuditLog(database.db, dialect).list({ afterSequence: 0, limit: 100 });
    expect(events.map((event) => event.sequence)).toEqual(Array.from({ length: 24 }, (_, index) => index + 1));
    expect(verifyAuditChain(events)).toEqual({ isIntact: true, brokenAtSequence: null });
  });

  it('ADM-4 a row edited in the database is detected', async () => {
    const log = new SqlAuditLog(database.db, dialect);
    for (const id of ['a', 'b', 'c']) await log.append(input(id));
    await sql`update audit_events set target_id = 'tampered' where sequence = 2`.execute(database.db);
    expect(verifyAuditChain(await log.list({ afterSequence: 0, limit: 10 }))).toEqual({ isIntact: false, brokenAtSequence: 2 });
  });
});
