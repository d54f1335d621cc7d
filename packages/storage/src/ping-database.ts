import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from './database-schema.js';
import { describeError } from './error-details.js';
import { DatabaseConnectionError } from './storage-errors.js';

/**
 * Resolves when the database answers a trivial query within `timeoutMs` (default 2 s); rejects with
 * `DatabaseConnectionError` otherwise. For readiness checks, which must not hang on a stuck connection.
 */
export async function pingDatabase(db: Kysely<DatabaseSchema>, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DatabaseConnectionError(`The database did not answer within ${timeoutMs} ms.`)), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } catch (error) {
    throw error instanceof DatabaseConnectionError
      ? error
      : new DatabaseConnectionError(`The database did not answer: ${describeError(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
