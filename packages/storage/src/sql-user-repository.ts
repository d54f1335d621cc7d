import { CharterError, type User, type UserRepository } from '@charter/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DatabaseSchema, UsersTable } from './database-schema.js';
import { fromEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';
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
      .values({
        id: candidate.id,
        email: candidate.email,
        display_name: candidate.displayName,
        role: 'owner',
        created_at: toEpochMilliseconds(candidate.createdAt),
      })
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
      await this.#db
        .insertInto('users')
        .values({ id: user.id, email: user.email, display_name: user.displayName, role: user.role, created_at: toEpochMilliseconds(user.createdAt) })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'A user with this id or email already exists.', { cause: error });
      throw error;
    }
  }

  async findById(userId: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row && toUser(row);
  }

  async #findOwner(): Promise<User | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('role', '=', 'owner').executeTakeFirst();
    return row && toUser(row);
  }
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    createdAt: fromEpochMilliseconds(row.created_at),
  };
}
