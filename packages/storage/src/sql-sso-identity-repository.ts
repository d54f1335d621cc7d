import { CharterError, NotFoundError, type NewRegistration, type SsoIdentity, type SsoIdentityRepository } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, SsoIdentitiesTable } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds, toNullableEpochMilliseconds } from './epoch-milliseconds.js';
import { isUniqueViolation } from './error-details.js';
import { toAcceptanceRow, toUserRow } from './sql-user-repository.js';

/** `SsoIdentityRepository` on SQLite or PostgreSQL. */
export class SqlSsoIdentityRepository implements SsoIdentityRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async findByIssuerSubject(issuer: string, subject: string): Promise<SsoIdentity | undefined> {
    const row = await this.#db.selectFrom('sso_identities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
    return row && toIdentity(row);
  }

  async listByUser(userId: string): Promise<SsoIdentity[]> {
    const rows = await this.#db.selectFrom('sso_identities').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toIdentity);
  }

  async link(identity: SsoIdentity): Promise<void> {
    try {
      await this.#db.insertInto('sso_identities').values(toRow(identity)).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'This identity is already linked to an account.', { cause: error });
      throw error;
    }
  }

  async registerWithIdentity(registration: NewRegistration, identity: SsoIdentity): Promise<void> {
    const { user, passwordHash, acceptances } = registration;
    try {
      await this.#db.transaction().execute(async (transaction) => {
        await transaction
          .insertInto('users')
          .values({ ...toUserRow(user), password_hash: passwordHash, age_attested_at: toEpochMilliseconds(user.createdAt) })
          .execute();
        if (acceptances.length > 0) await transaction.insertInto('legal_acceptances').values(acceptances.map(toAcceptanceRow)).execute();
        await transaction.insertInto('sso_identities').values(toRow(identity)).execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'An account with this email or sign-in identity already exists.', { cause: error, param: 'email' });
      throw error;
    }
  }

  async unlink(userId: string, identityId: string): Promise<{ removed: boolean; identity: SsoIdentity | undefined }> {
    return this.#db.transaction().execute(async (transaction) => {
      // A no-op write to the user row serialises unlinks of one user on both dialects (row lock on PostgreSQL,
      // the write lock on SQLite), so two concurrent unlinks cannot both see "another way in remains".
      const user = await transaction.updateTable('users').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', userId).returning('password_hash').executeTakeFirst();
      const rows = await transaction.selectFrom('sso_identities').selectAll().where('user_id', '=', userId).execute();
      const target = rows.find((row) => row.id === identityId);
      if (!user || !target) throw new NotFoundError('Linked identity', 'id');
      const identity = toIdentity(target);
      if (user.password_hash === null && rows.length <= 1) return { removed: false, identity };
      await transaction.deleteFrom('sso_identities').where('id', '=', identityId).where('user_id', '=', userId).execute();
      return { removed: true, identity };
    });
  }

  async touch(identityId: string, usedAt: Date): Promise<void> {
    await this.#db.updateTable('sso_identities').set({ last_used_at: toEpochMilliseconds(usedAt) }).where('id', '=', identityId).execute();
  }
}

function toRow(identity: SsoIdentity) {
  return {
    id: identity.id,
    user_id: identity.userId,
    provider_id: identity.providerId,
    issuer: identity.issuer,
    subject: identity.subject,
    email: identity.email,
    created_at: toEpochMilliseconds(identity.createdAt),
    last_used_at: toNullableEpochMilliseconds(identity.lastUsedAt),
  };
}

function toIdentity(row: Selectable<SsoIdentitiesTable>): SsoIdentity {
  return {
    id: row.id,
    userId: row.user_id,
    providerId: row.provider_id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    createdAt: fromEpochMilliseconds(row.created_at),
    lastUsedAt: fromNullableEpochMilliseconds(row.last_used_at),
  };
}
