import {
  CharterError,
  type ApiKey,
  type Membership,
  type Organization,
  type OrganizationInvitation,
  type OrganizationMember,
  type OrganizationMemberView,
  type OrganizationRepository,
  type OrganizationRole,
  type OrganizationUnitOfWork,
  organizationRoles,
} from '@charter/core';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseSchema, OrganizationInvitationsTable, OrganizationsTable } from './database-schema.js';
import { fromEpochMilliseconds, fromNullableEpochMilliseconds, toEpochMilliseconds } from './epoch-milliseconds.js';
import { isUniqueViolation } from './error-details.js';
import { toApiKey } from './sql-api-key-repository.js';

/** `OrganizationRepository` on SQLite or PostgreSQL. Every read of members or keys is scoped to one organisation. */
export class SqlOrganizationRepository implements OrganizationRepository {
  readonly #db: Kysely<DatabaseSchema>;

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db;
  }

  async create(organization: Organization, owner: OrganizationMember): Promise<void> {
    await this.#db.transaction().execute(async (transaction) => {
      await transaction.insertInto('organizations').values(toOrganizationRow(organization)).execute();
      await transaction.insertInto('organization_members').values(toMemberRow(owner)).execute();
    });
  }

  async listForUser(userId: string): Promise<Membership[]> {
    const rows = await this.#db
      .selectFrom('organization_members as member')
      .innerJoin('organizations as organization', 'organization.id', 'member.organization_id')
      .selectAll('organization')
      .select('member.role')
      .where('member.user_id', '=', userId)
      .where('organization.deleted_at', 'is', null)
      .orderBy('organization.created_at')
      .orderBy('organization.id')
      .execute();
    return rows.map((row) => ({ organization: toOrganization(row), role: row.role }));
  }

  async findMembership(organizationId: string, userId: string): Promise<Membership | undefined> {
    const row = await this.#db
      .selectFrom('organization_members as member')
      .innerJoin('organizations as organization', 'organization.id', 'member.organization_id')
      .selectAll('organization')
      .select('member.role')
      .where('member.organization_id', '=', organizationId)
      .where('member.user_id', '=', userId)
      .where('organization.deleted_at', 'is', null)
      .executeTakeFirst();
    return row && { organization: toOrganization(row), role: row.role };
  }

  async findKeyHolder(apiKeyId: string): Promise<{ organizationId: string; userId: string; role: OrganizationRole } | undefined> {
    const row = await this.#db
      .selectFrom('api_keys as key')
      .innerJoin('organization_members as member', (join) => join.onRef('member.organization_id', '=', 'key.organization_id').onRef('member.user_id', '=', 'key.owner_user_id'))
      .innerJoin('organizations as organization', 'organization.id', 'member.organization_id')
      .select(['member.organization_id', 'member.user_id', 'member.role'])
      .where('key.id', '=', apiKeyId)
      .where('key.revoked_at', 'is', null)
      .where('organization.deleted_at', 'is', null)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, userId: row.user_id, role: row.role };
  }

  async listMembers(organizationId: string): Promise<OrganizationMemberView[]> {
    const rows = await this.#db
      .selectFrom('organization_members as member')
      .innerJoin('users as user', 'user.id', 'member.user_id')
      .select(['member.organization_id', 'member.user_id', 'member.role', 'member.joined_at', 'user.email', 'user.display_name'])
      .where('member.organization_id', '=', organizationId)
      .orderBy('member.joined_at')
      .orderBy('member.user_id')
      .execute();
    const rank = (role: OrganizationRole) => organizationRoles.indexOf(role);
    return rows
      .map((row) => ({ organizationId: row.organization_id, userId: row.user_id, role: row.role, joinedAt: fromEpochMilliseconds(row.joined_at), email: row.email, displayName: row.display_name }))
      .sort((left, right) => rank(left.role) - rank(right.role));
  }

  async rename(organizationId: string, name: string, updatedAt: Date): Promise<void> {
    await this.#db.updateTable('organizations').set({ name, updated_at: toEpochMilliseconds(updatedAt) }).where('id', '=', organizationId).where('deleted_at', 'is', null).execute();
  }

  async listKeys(organizationId: string, ownerUserId?: string): Promise<ApiKey[]> {
    let query = this.#db.selectFrom('api_keys').selectAll().where('organization_id', '=', organizationId);
    if (ownerUserId !== undefined) query = query.where('owner_user_id', '=', ownerUserId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toApiKey);
  }

  async findKey(organizationId: string, apiKeyId: string): Promise<ApiKey | undefined> {
    const row = await this.#db.selectFrom('api_keys').selectAll().where('organization_id', '=', organizationId).where('id', '=', apiKeyId).executeTakeFirst();
    return row && toApiKey(row);
  }

  async findInvitationByTokenHash(tokenHash: string): Promise<OrganizationInvitation | undefined> {
    const row = await this.#db.selectFrom('organization_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toInvitation(row);
  }

  async listPendingInvitations(organizationId: string, now: Date): Promise<OrganizationInvitation[]> {
    const rows = await pendingInvitations(this.#db, organizationId, now).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toInvitation);
  }

  withOrganizationLocked<T>(organizationId: string, work: (unit: OrganizationUnitOfWork) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(async (transaction) => {
      // A no-op write as the lock: it takes the row lock on PostgreSQL and the write lock on SQLite, on both
      // dialects with the same statement, so concurrent changes to one organisation run one after another.
      await transaction.updateTable('organizations').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', organizationId).execute();
      return work(new SqlOrganizationUnitOfWork(transaction, organizationId));
    });
  }
}

class SqlOrganizationUnitOfWork implements OrganizationUnitOfWork {
  readonly #db: Transaction<DatabaseSchema>;
  readonly #organizationId: string;

  constructor(db: Transaction<DatabaseSchema>, organizationId: string) {
    this.#db = db;
    this.#organizationId = organizationId;
  }

  async organization(): Promise<Organization | undefined> {
    const row = await this.#db.selectFrom('organizations').selectAll().where('id', '=', this.#organizationId).where('deleted_at', 'is', null).executeTakeFirst();
    return row && toOrganization(row);
  }

  async roleOf(userId: string): Promise<OrganizationRole | undefined> {
    const row = await this.#db.selectFrom('organization_members').select('role').where('organization_id', '=', this.#organizationId).where('user_id', '=', userId).executeTakeFirst();
    return row?.role;
  }

  async countOwners(): Promise<number> {
    const row = await this.#db
      .selectFrom('organization_members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('organization_id', '=', this.#organizationId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async addMember(member: OrganizationMember): Promise<void> {
    try {
      await this.#db.insertInto('organization_members').values(toMemberRow(member)).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'This person is already a member of the organization.', { cause: error });
      throw error;
    }
  }

  async setRole(userId: string, role: OrganizationRole): Promise<void> {
    await this.#db.updateTable('organization_members').set({ role }).where('organization_id', '=', this.#organizationId).where('user_id', '=', userId).execute();
  }

  async removeMember(userId: string): Promise<void> {
    await this.#db.deleteFrom('organization_members').where('organization_id', '=', this.#organizationId).where('user_id', '=', userId).execute();
  }

  async transferKeys(fromUserId: string, toUserId: string): Promise<ApiKey[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('organization_id', '=', this.#organizationId)
      .where('owner_user_id', '=', fromUserId)
      .where('revoked_at', 'is', null)
      .execute();
    if (rows.length === 0) return [];
    await this.#db
      .updateTable('api_keys')
      .set({ owner_user_id: toUserId })
      .where('id', 'in', rows.map((row) => row.id))
      .execute();
    return rows.map(toApiKey);
  }

  async revokeKeys(revokedAt: Date, ownerUserId?: string): Promise<ApiKey[]> {
    let query = this.#db
      .updateTable('api_keys')
      .set({ revoked_at: toEpochMilliseconds(revokedAt) })
      .where('organization_id', '=', this.#organizationId)
      .where('revoked_at', 'is', null);
    if (ownerUserId !== undefined) query = query.where('owner_user_id', '=', ownerUserId);
    return (await query.returningAll().execute()).map(toApiKey);
  }

  async markDeleted(deletedAt: Date): Promise<void> {
    const deletedAtMs = toEpochMilliseconds(deletedAt);
    await this.#db.updateTable('organizations').set({ deleted_at: deletedAtMs, updated_at: deletedAtMs }).where('id', '=', this.#organizationId).execute();
    await this.#db.deleteFrom('organization_members').where('organization_id', '=', this.#organizationId).execute();
    await this.#db
      .updateTable('organization_invitations')
      .set({ revoked_at: deletedAtMs })
      .where('organization_id', '=', this.#organizationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async replaceInvitation(invitation: OrganizationInvitation): Promise<void> {
    await this.#db
      .updateTable('organization_invitations')
      .set({ revoked_at: toEpochMilliseconds(invitation.createdAt) })
      .where('organization_id', '=', this.#organizationId)
      .where('email', '=', invitation.email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    try {
      await this.#db.insertInto('organization_invitations').values(toInvitationRow(invitation)).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new CharterError('conflict', 'This address was invited at the same moment by someone else; try again.', { cause: error });
      throw error;
    }
  }

  async findPendingInvitation(invitationId: string, now: Date): Promise<OrganizationInvitation | undefined> {
    const row = await pendingInvitations(this.#db, this.#organizationId, now).where('id', '=', invitationId).executeTakeFirst();
    return row && toInvitation(row);
  }

  async revokeInvitation(invitationId: string, revokedAt: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('organization_invitations')
      .set({ revoked_at: toEpochMilliseconds(revokedAt) })
      .where('organization_id', '=', this.#organizationId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async markInvitationAccepted(invitationId: string, userId: string, acceptedAt: Date): Promise<boolean> {
    const acceptedAtMs = toEpochMilliseconds(acceptedAt);
    const result = await this.#db
      .updateTable('organization_invitations')
      .set({ accepted_at: acceptedAtMs, accepted_by_user_id: userId })
      .where('organization_id', '=', this.#organizationId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', acceptedAtMs)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

function pendingInvitations(db: Kysely<DatabaseSchema>, organizationId: string, now: Date) {
  return db
    .selectFrom('organization_invitations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', toEpochMilliseconds(now));
}

function toOrganizationRow(organization: Organization) {
  return {
    id: organization.id,
    name: organization.name,
    created_by_user_id: organization.createdByUserId,
    created_at: toEpochMilliseconds(organization.createdAt),
    updated_at: toEpochMilliseconds(organization.updatedAt),
    deleted_at: organization.deletedAt === null ? null : toEpochMilliseconds(organization.deletedAt),
  };
}

function toOrganization(row: Selectable<OrganizationsTable>): Organization {
  return {
    id: row.id,
    name: row.name,
    createdByUserId: row.created_by_user_id,
    createdAt: fromEpochMilliseconds(row.created_at),
    updatedAt: fromEpochMilliseconds(row.updated_at),
    deletedAt: fromNullableEpochMilliseconds(row.deleted_at),
  };
}

function toMemberRow(member: OrganizationMember) {
  return { organization_id: member.organizationId, user_id: member.userId, role: member.role, joined_at: toEpochMilliseconds(member.joinedAt) };
}

function toInvitationRow(invitation: OrganizationInvitation): Selectable<OrganizationInvitationsTable> {
  return {
    id: invitation.id,
    organization_id: invitation.organizationId,
    email: invitation.email,
    role: invitation.role,
    token_hash: invitation.tokenHash,
    invited_by_user_id: invitation.invitedByUserId,
    created_at: toEpochMilliseconds(invitation.createdAt),
    expires_at: toEpochMilliseconds(invitation.expiresAt),
    accepted_at: invitation.acceptedAt === null ? null : toEpochMilliseconds(invitation.acceptedAt),
    accepted_by_user_id: invitation.acceptedByUserId,
    revoked_at: invitation.revokedAt === null ? null : toEpochMilliseconds(invitation.revokedAt),
  };
}

function toInvitation(row: Selectable<OrganizationInvitationsTable>): OrganizationInvitation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    role: row.role,
    tokenHash: row.token_hash,
    invitedByUserId: row.invited_by_user_id,
    createdAt: fromEpochMilliseconds(row.created_at),
    expiresAt: fromEpochMilliseconds(row.expires_at),
    acceptedAt: fromNullableEpochMilliseconds(row.accepted_at),
    acceptedByUserId: row.accepted_by_user_id,
    revokedAt: fromNullableEpochMilliseconds(row.revoked_at),
  };
}
