import { newId, type TwoFactorCredential, type TwoFactorRepository } from '@charter/core';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseSchema, TwoFactorCredentialsTable } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';

/** `TwoFactorRepository` on SQLite or PostgreSQL. Every write that guards a secret is one conditional statement. */
export class SqlTwoFactorRepository implements TwoFactorRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async find(userId: string): Promise<TwoFactorCredential | undefined> {
    const row = await this.#db.selectFrom('two_factor_credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row && toCredential(row);
  }

  async isEnabled(userId: string): Promise<boolean> {
    const row = await this.#db.selectFrom('two_factor_credentials').select('user_id').where('user_id', '=', userId).where('secret_sealed', 'is not', null).executeTakeFirst();
    return row !== undefined;
  }

  async savePending(userId: string, pendingSecretSealed: string, at: Date): Promise<boolean> {
    const atMs = toEpochMilliseconds(at);
    const result = await this.#db
      .insertInto('two_factor_credentials')
      .values({ user_id: userId, pending_secret_sealed: pendingSecretSealed, pending_created_at: atMs, secret_sealed: null, enabled_at: null, last_used_time_step: null, updated_at: atMs })
      .onConflict((conflict) =>
        conflict
          .column('user_id')
          .doUpdateSet({ pending_secret_sealed: pendingSecretSealed, pending_created_at: atMs, updated_at: atMs })
          .where('two_factor_credentials.secret_sealed', 'is', null),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  enable(userId: string, change: { pendingSecretSealed: string; acceptedTimeStep: number; recoveryCodeHashes: readonly string[]; at: Date }): Promise<boolean> {
    const atMs = toEpochMilliseconds(change.at);
    return this.#db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('two_factor_credentials')
        .set({ secret_sealed: change.pendingSecretSealed, enabled_at: atMs, last_used_time_step: change.acceptedTimeStep, pending_secret_sealed: null, pending_created_at: null, updated_at: atMs })
        .where('user_id', '=', userId)
        .where('pending_secret_sealed', '=', change.pendingSecretSealed)
        .where('secret_sealed', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await writeRecoveryCodes(transaction, userId, change.recoveryCodeHashes, atMs);
      return true;
    });
  }

  disable(userId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (transaction) => {
      await transaction.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      const result = await transaction.deleteFrom('two_factor_credentials').where('user_id', '=', userId).where('secret_sealed', 'is not', null).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async useTimeStep(userId: string, timeStep: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('two_factor_credentials')
      .set({ last_used_time_step: timeStep })
      .where('user_id', '=', userId)
      .where('secret_sealed', 'is not', null)
      .where((eb) => eb.or([eb('last_used_time_step', 'is', null), eb('last_used_time_step', '<', timeStep)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async replaceRecoveryCodes(userId: string, recoveryCodeHashes: readonly string[], at: Date): Promise<void> {
    await this.#db.transaction().execute((transaction) => writeRecoveryCodes(transaction, userId, recoveryCodeHashes, toEpochMilliseconds(at)));
  }

  async useRecoveryCode(userId: string, recoveryCodeHash: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('recovery_codes')
      .set({ used_at: toEpochMilliseconds(at) })
      .where('user_id', '=', userId)
      .where('code_hash', '=', recoveryCodeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async countUnusedRecoveryCodes(userId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}

async function writeRecoveryCodes(transaction: Transaction<DatabaseSchema>, userId: string, hashes: readonly string[], atMs: number): Promise<void> {
  await transaction.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length === 0) return;
  await transaction
    .insertInto('recovery_codes')
    .values(hashes.map((codeHash) => ({ id: newId('rc'), user_id: userId, code_hash: codeHash, created_at: atMs, used_at: null })))
    .execute();
}

function toCredential(row: Selectable<TwoFactorCredentialsTable>): TwoFactorCredential {
  return {
    userId: row.user_id,
    pendingSecretSealed: row.pending_secret_sealed,
    pendingCreatedAt: fromNullableEpochMilliseconds(row.pending_created_at),
    secretSealed: row.secret_sealed,
    enabledAt: fromNullableEpochMilliseconds(row.enabled_at),
    lastUsedTimeStep: row.last_used_time_step,
    updatedAt: fromEpochMilliseconds(row.updated_at),
  };
}
