// Run as a separate process by the concurrency tests: what a server node does at start.
// Usage: node --import tsx start-instance.ts <databaseUrl> <candidateOwnerId> <startAtEpochMs>
import { setTimeout as sleep } from 'node:timers/promises';
import { newUserRecord } from '@charter/core';
import { migrateToLatest } from '../migrate-to-latest.js';
import { openDatabase } from '../open-database.js';
import { SqlUserRepository } from '../sql-user-repository.js';

const [url, candidateOwnerId, startAtText] = process.argv.slice(2);
if (url === undefined || candidateOwnerId === undefined || startAtText === undefined) {
  throw new Error('usage: start-instance.ts <databaseUrl> <candidateOwnerId> <startAtEpochMs>');
}
const database = await openDatabase({ url });
try {
  // Both processes load at different speeds; meet at an agreed moment so their starts really overlap.
  await sleep(Math.max(0, Number(startAtText) - Date.now()));
  const run = await migrateToLatest(database.db);
  const owner = await new SqlUserRepository(database.db).ensureInstanceOwner(
    newUserRecord({ id: candidateOwnerId, email: null, displayName: `Owner ${candidateOwnerId}`, role: 'owner', createdAt: new Date() }),
  );
  process.stdout.write(JSON.stringify({ appliedMigrations: run.appliedMigrations, ownerId: owner.id }));
} finally {
  await database.close();
}
