import type { KnownDeviceRepository } from '@charter/core';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './database-schema.js';
import { toEpochMilliseconds } from './epoch-milliseconds.js';

/** `KnownDeviceRepository` on SQLite or PostgreSQL. */
export class SqlKnownDeviceRepository implements KnownDeviceRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async isKnown(userId: string, deviceHash: string): Promise<boolean> {
    const row = await this.#db.selectFrom('known_devices').select('user_id').where('user_id', '=', userId).where('device_hash', '=', deviceHash).executeTakeFirst();
    return row !== undefined;
  }

  async remember(userId: string, deviceHash: string, seenAt: Date): Promise<void> {
    const seenAtMs = toEpochMilliseconds(seenAt);
    await this.#db
      .insertInto('known_devices')
      .values({ user_id: userId, device_hash: deviceHash, first_seen_at: seenAtMs, last_seen_at: seenAtMs })
      .onConflict((conflict) => conflict.columns(['user_id', 'device_hash']).doUpdateSet({ last_seen_at: seenAtMs }))
      .execute();
  }
}
