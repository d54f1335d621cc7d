import type { CustomerProfile, CustomerProfileRepository } from '@charter/core';
import type { Kysely, Selectable } from 'kysely';
import type { CustomerProfilesTable, DatabaseSchema } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds, toNullableEpochMilliseconds } from './epoch-milliseconds.js';
import { isUniqueViolation } from './error-details.js';

/** `CustomerProfileRepository` on SQLite or PostgreSQL. */
export class SqlCustomerProfileRepository implements CustomerProfileRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async find(userId: string): Promise<CustomerProfile | undefined> {
    const row = await this.#db.selectFrom('customer_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row && toProfile(row);
  }

  async save(profile: CustomerProfile, expectedRevision: number): Promise<boolean> {
    const row = toRow(profile);
    if (expectedRevision === 0) {
      try {
        await this.#db.insertInto('customer_profiles').values(row).execute();
        return true;
      } catch (error) {
        // Two first saves raced: the loser's insert hits the primary key.
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    }
    const { user_id: userId, created_at: _createdAt, ...changes } = row;
    const result = await this.#db.updateTable('customer_profiles').set(changes).where('user_id', '=', userId).where('revision', '=', expectedRevision).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

function toRow(profile: CustomerProfile) {
  const now = profile.updatedAt ?? new Date();
  return {
    user_id: profile.userId,
    full_name: profile.fullName,
    contact_person: profile.contactPerson,
    phone: profile.phone,
    address_line1: profile.address?.line1 ?? null,
    address_line2: profile.address?.line2 ?? null,
    address_city: profile.address?.city ?? null,
    address_postal_code: profile.address?.postalCode ?? null,
    address_region: profile.address?.region ?? null,
    address_country: profile.address?.country ?? null,
    company_name: profile.companyName,
    company_registration_number: profile.companyRegistrationNumber,
    revision: profile.revision,
    verification_status: profile.verification.status,
    verification_note: profile.verification.note,
    verification_changed_by: profile.verification.changedByUserId,
    verification_changed_at: toNullableEpochMilliseconds(profile.verification.changedAt),
    created_at: toEpochMilliseconds(profile.createdAt ?? now),
    updated_at: toEpochMilliseconds(now),
  };
}

function toProfile(row: Selectable<CustomerProfilesTable>): CustomerProfile {
  return {
    userId: row.user_id,
    fullName: row.full_name,
    contactPerson: row.contact_person,
    phone: row.phone,
    address:
      row.address_country === null
        ? null
        : { line1: row.address_line1, line2: row.address_line2, city: row.address_city, postalCode: row.address_postal_code, region: row.address_region, country: row.address_country },
    companyName: row.company_name,
    companyRegistrationNumber: row.company_registration_number,
    revision: Number(row.revision),
    verification: {
      status: row.verification_status,
      note: row.verification_note,
      changedByUserId: row.verification_changed_by,
      changedAt: fromNullableEpochMilliseconds(row.verification_changed_at),
    },
    createdAt: fromEpochMilliseconds(row.created_at),
    updatedAt: fromEpochMilliseconds(row.updated_at),
  };
}
