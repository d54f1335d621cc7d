import { type AccountStatusChange, CharterError, type LegalAcceptance, type NewRegistration, type User, type UserRepository } from '@charter/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DatabaseSchema, LegalAcceptancesTable, UsersTable } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds, toNullableEpochMilliseconds } from './epoch-milliseconds.js';
import { isUniqueViolation } from './error-details.js';

/** `UserRepository` on SQLite or PostgreSQL. */
export class SqlUserRepository implements UserRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async ensureInstanceOwner(candidate: User): Promise<User> {
    const existing = await this.#findOwner();
    if (existing) {
      return existing;
    }
    // The partial unique index on role = 'owner' makes the database pick one winner among concurrent
    // starts (threads or processes); the losers' inserts do nothing and all read back the same owner.
    // The conflict target names only that index, so a clash on id or email still raises.
    await this.#db
      .insertInto('users')
      .values({ ...toUserRow(candidate), role: 'owner' })
      .onConflict((conflict) => conflict.column('role').where(sql<boolean>`role = 'owner'`).doNothing())
      .execute();
    const owner = await this.#findOwner();
    if (!owner) {
      throw new Error('The instance owner was neither found nor created.');
    }
    return owner;
  }

  async create(user: User): Promise<void> {
    if (user.role === 'owner') throw new Error('Use ensureInstanceOwner to create the instance owner.');
    try {
      await this.#db.insertInto('users').values(toUserRow(user)).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'A user with this id or email already exists.', { cause: error });
      throw error;
    }
  }

  async register(registration: NewRegistration): Promise<void> {
    const { user, passwordHash, acceptances } = registration;
    if (user.role === 'owner') throw new Error('Use ensureInstanceOwner to create the instance owner.');
    try {
      await this.#db.transaction().execute(async (transaction) => {
        await transaction
          .insertInto('users')
          .values({ ...toUserRow(user), password_hash: passwordHash, age_attested_at: toEpochMilliseconds(user.createdAt) })
          .execute();
        if (acceptances.length > 0) await transaction.insertInto('legal_acceptances').values(acceptances.map(toAcceptanceRow)).execute();
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'An account with this email already exists.', { cause: error, param: 'email' });
      throw error;
    }
  }

  async findById(userId: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toUser(row);
  }

  async findPasswordHash(userId: string): Promise<string | null> {
    const row = await this.#db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
    return row?.password_hash ?? null;
  }

  async setPasswordHash(userId: string, passwordHash: string, changedAt: Date): Promise<void> {
    await this.#db.updateTable('users').set({ password_hash: passwordHash, updated_at: toEpochMilliseconds(changedAt) }).where('id', '=', userId).execute();
  }

  async markEmailVerified(userId: string, email: string, verifiedAt: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('users')
      .set({ email_verified_at: toEpochMilliseconds(verifiedAt), updated_at: toEpochMilliseconds(verifiedAt) })
      .where('id', '=', userId)
      .where('email', '=', email)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setDisplayName(userId: string, displayName: string, changedAt: Date): Promise<void> {
    await this.#db.updateTable('users').set({ display_name: displayName, updated_at: toEpochMilliseconds(changedAt) }).where('id', '=', userId).execute();
  }

  async setLocked(userId: string, lockedAt: Date | null): Promise<void> {
    await this.#db.updateTable('users').set({ locked_at: toNullableEpochMilliseconds(lockedAt) }).where('id', '=', userId).execute();
  }

  async markDeletionRequested(userId: string, requestedAt: Date): Promise<void> {
    await this.#db
      .updateTable('users')
      .set({ deletion_requested_at: toEpochMilliseconds(requestedAt), updated_at: toEpochMilliseconds(requestedAt) })
      .where('id', '=', userId)
      .where('deletion_requested_at', 'is', null)
      .execute();
  }

  async changeStatus(change: AccountStatusChange): Promise<boolean> {
    return this.#db.transaction().execute(async (transaction) => {
      const result = await transaction
        .updateTable('users')
        .set({ status: change.toStatus, updated_at: toEpochMilliseconds(change.occurredAt) })
        .where('id', '=', change.userId)
        .where('status', '=', change.fromStatus)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await transaction
        .insertInto('account_status_changes')
        .values({
          id: change.id,
          user_id: change.userId,
          from_status: change.fromStatus,
          to_status: change.toStatus,
          reason: change.reason,
          actor_user_id: change.actorUserId,
          occurred_at: toEpochMilliseconds(change.occurredAt),
        })
        .execute();
      return true;
    });
  }

  async listStatusChanges(userId: string): Promise<AccountStatusChange[]> {
    const rows = await this.#db.selectFrom('account_status_changes').selectAll().where('user_id', '=', userId).orderBy('occurred_at').orderBy('id').execute();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      fromStatus: row.from_status,
      toStatus: row.to_status,
      reason: row.reason,
      actorUserId: row.actor_user_id,
      occurredAt: fromEpochMilliseconds(row.occurred_at),
    }));
  }

  async listLegalAcceptances(userId: string): Promise<LegalAcceptance[]> {
    const rows = await this.#db.selectFrom('legal_acceptances').selectAll().where('user_id', '=', userId).orderBy('accepted_at').orderBy('id').execute();
    return rows.map(toAcceptance);
  }

  async addLegalAcceptance(acceptance: LegalAcceptance): Promise<void> {
    await this.#db.insertInto('legal_acceptances').values(toAcceptanceRow(acceptance)).execute();
  }

  async #findOwner(): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('role', '=', 'owner').executeTakeFirst();
    return row && toUser(row);
  }
}

/** Domain user → row (shared with registrations that write more rows in the same transaction). */
export function toUserRow(user: User) {
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
    status: user.status,
    email_verified_at: toNullableEpochMilliseconds(user.emailVerifiedAt),
    country: user.country,
    region: user.region,
    staff_role: user.staffRole,
    locked_at: toNullableEpochMilliseconds(user.lockedAt),
    deletion_requested_at: toNullableEpochMilliseconds(user.deletionRequestedAt),
    created_at: toEpochMilliseconds(user.createdAt),
  };
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    emailVerifiedAt: fromNullableEpochMilliseconds(row.email_verified_at),
    country: row.country,
    region: row.region,
    staffRole: row.staff_role,
    lockedAt: fromNullableEpochMilliseconds(row.locked_at),
    deletionRequestedAt: fromNullableEpochMilliseconds(row.deletion_requested_at),
    createdAt: fromEpochMilliseconds(row.created_at),
  };
}

export function toAcceptanceRow(acceptance: LegalAcceptance) {
  return {
    id: acceptance.id,
    user_id: acceptance.userId,
    document: acceptance.document,
    version: acceptance.version,
    accepted_at: toEpochMilliseconds(acceptance.acceptedAt),
    ip_address: acceptance.ipAddress,
    user_agent: acceptance.userAgent,
    method: acceptance.method,
  };
}

function toAcceptance(row: Selectable<LegalAcceptancesTable>): LegalAcceptance {
  return {
    id: row.id,
    userId: row.user_id,
    document: row.document as LegalAcceptance['document'],
    version: row.version,
    acceptedAt: fromEpochMilliseconds(row.accepted_at),
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    method: row.method as LegalAcceptance['method'],
  };
}
