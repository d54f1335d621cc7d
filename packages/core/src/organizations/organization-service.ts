import { assertMayCreateApiKeys } from '../accounts/account-access.js';
import type { User } from '../accounts/user.js';
import type { ApiKey } from '../api-keys/api-key.js';
import type { AuditAction, AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Membership, MemberKeyDisposition, Organization, OrganizationMemberView } from './organization.js';
import { OrganizationNotFoundError, OrganizationPermissionError, throwIfRefused, validOrganizationName } from './organization-errors.js';
import { isAllowed, membershipChangeRefusal, type OrganizationAction, type OrganizationRole } from './organization-permissions.js';
import type { OrganizationRepository, OrganizationUnitOfWork } from './organization-repository.js';

export interface OrganizationServiceOptions {
  repository: OrganizationRepository;
  /** Every organisation and membership change is appended here (ADM-4). */
  audit: AuditLog;
  clock: Clock;
}

/** The outcome of removing a member: what became of the keys they held for the organisation. */
export interface MemberRemoval {
  userId: string;
  role: OrganizationRole;
  revokedKeyIds: string[];
  transferredKeyIds: string[];
  transferredTo: string | null;
}

/**
 * Use cases of organisations (ACC-7): create, read, rename, delete; members and their roles. Every call takes
 * the acting user and checks their membership and the permission table against the database (never a cache),
 * so a removal or demotion applies to the very next request on every node. Non-members get `not_found`.
 */
export class OrganizationService {
  readonly #repository: OrganizationRepository;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(options: OrganizationServiceOptions) {
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#clock = options.clock;
  }

  /** The caller's membership, or `not_found`; `permission_denied` when their role does not allow `action`. */
  async authorize(userId: string, organizationId: string, action: OrganizationAction): Promise<Membership> {
    const membership = await this.#repository.findMembership(organizationId, userId);
    if (!membership) throw new OrganizationNotFoundError();
    if (!isAllowed(membership.role, action)) throw new OrganizationPermissionError(membership.role, action);
    return membership;
  }

  /** A new organisation with `user` as its only owner. Needs an account that may use the service with a verified email. */
  async create(user: User, name: string, actor: AuditActor): Promise<Membership> {
    assertMayCreateApiKeys(user);
    const now = this.#clock();
    const organization: Organization = { id: newId('org'), name: validOrganizationName(name), createdByUserId: user.id, createdAt: now, updatedAt: now, deletedAt: null };
    await this.#repository.create(organization, { organizationId: organization.id, userId: user.id, role: 'owner', joinedAt: now });
    await this.#record('organization.created', actor, organization.id, now, { ownerUserId: user.id });
    return { organization, role: 'owner' };
  }

  listForUser(userId: string): Promise<Membership[]> {
    return this.#repository.listForUser(userId);
  }

  get(userId: string, organizationId: string): Promise<Membership> {
    return this.authorize(userId, organizationId, 'organization.read');
  }

  async rename(userId: string, organizationId: string, name: string, actor: AuditActor): Promise<Membership> {
    const validName = validOrganizationName(name);
    const membership = await this.authorize(userId, organizationId, 'organization.update');
    const now = this.#clock();
    await this.#repository.rename(organizationId, validName, now);
    await this.#record('organization.renamed', actor, organizationId, now, {});
    return { role: membership.role, organization: { ...membership.organization, name: validName, updatedAt: now } };
  }

  /**
   * Delete an organisation (owners only): every key it owns is revoked at once, its members and pending
   * invitations go, and its usage records stay (they are the billing record). Returns how many keys were revoked.
   */
  async delete(userId: string, organizationId: string, actor: AuditActor): Promise<number> {
    const now = this.#clock();
    const revoked = await this.#repository.withOrganizationLocked(organizationId, async (unit) => {
      await this.#lockedRole(unit, userId, 'organization.delete');
      const keys = await unit.revokeKeys(now);
      await unit.markDeleted(now);
      return keys;
    });
    await this.#record('organization.deleted', actor, organizationId, now, { revokedKeys: revoked.length });
    for (const apiKey of revoked) await this.#recordKey('api_key.revoked', actor, apiKey, now, { reason: 'organization_deleted' });
    return revoked.length;
  }

  /**
   * Before an account is deleted (ACC-9): an organisation may not be left without an owner. Where the person is
   * the only owner of an organisation that has other members, refuse (they make someone else owner first); an
   * organisation whose only member they are is deleted with the account (its keys revoked, usage kept).
   */
  async prepareAccountDeletion(userId: string, actor: AuditActor): Promise<void> {
    const memberships = (await this.#repository.listForUser(userId)).filter((membership) => membership.role === 'owner');
    for (const { organization } of memberships) {
      const members = await this.#repository.listMembers(organization.id);
      const owners = members.filter((member) => member.role === 'owner');
      if (owners.length === 1 && members.length > 1) {
        throw new InvalidRequestError(`You are the only owner of the organisation "${organization.name}". Make another member an owner, or delete the organisation, before you delete your account.`);
      }
    }
    for (const { organization } of memberships) {
      if ((await this.#repository.listMembers(organization.id)).length === 1) await this.delete(userId, organization.id, actor);
    }
  }

  async listMembers(userId: string, organizationId: string): Promise<OrganizationMemberView[]> {
    await this.authorize(userId, organizationId, 'members.read');
    return this.#repository.listMembers(organizationId);
  }

  /** Give a member another role, within the rules (only owners grant or take away owner; one owner stays). */
  async changeRole(userId: string, organizationId: string, targetUserId: string, role: OrganizationRole, actor: AuditActor): Promise<OrganizationRole> {
    const now = this.#clock();
    const fromRole = await this.#repository.withOrganizationLocked(organizationId, async (unit) => {
      const actorRole = await this.#lockedRole(unit, userId, 'organization.read');
      const current = await this.#targetRole(unit, actorRole, targetUserId);
      if (current === role) return current;
      throwIfRefused(
        membershipChangeRefusal({ actorRole, isSelf: targetUserId === userId, fromRole: current, toRole: role, ownerCount: await unit.countOwners() }),
        'members.change_role',
        actorRole,
      );
      await unit.setRole(targetUserId, role);
      return current;
    });
    if (fromRole !== role) await this.#record('organization.member_role_changed', actor, organizationId, now, { userId: targetUserId, fromRole, toRole: role });
    return role;
  }

  /**
   * End a membership (removal by an owner or admin, or leaving when `targetUserId` is the caller). Access ends
   * with the transaction: the next request with the organisation header or one of the member's organisation
   * keys is refused on every node. Their active keys for the organisation are revoked or given to another
   * member who may create keys, as `keys` says.
   */
  async removeMember(userId: string, organizationId: string, targetUserId: string, keys: MemberKeyDisposition, actor: AuditActor): Promise<MemberRemoval> {
    const now = this.#clock();
    const isSelf = targetUserId === userId;
    const { removal, keys: affected } = await this.#repository.withOrganizationLocked(organizationId, async (unit): Promise<{ removal: MemberRemoval; keys: ApiKey[] }> => {
      const actorRole = await this.#lockedRole(unit, userId, 'organization.read');
      const role = isSelf ? actorRole : await this.#targetRole(unit, actorRole, targetUserId);
      throwIfRefused(membershipChangeRefusal({ actorRole, isSelf, fromRole: role, toRole: null, ownerCount: await unit.countOwners() }), 'members.remove', actorRole);
      if (keys.kind === 'transfer') {
        const receiverRole = keys.toUserId === targetUserId ? undefined : await unit.roleOf(keys.toUserId);
        if (receiverRole === undefined || !isAllowed(receiverRole, 'api_keys.create')) {
          throw new InvalidRequestError('transfer_to must be another member of the organization whose role may create API keys.', 'keys.transfer_to');
        }
        const moved = await unit.transferKeys(targetUserId, keys.toUserId);
        await unit.removeMember(targetUserId);
        return { removal: { userId: targetUserId, role, revokedKeyIds: [], transferredKeyIds: moved.map((key) => key.id), transferredTo: keys.toUserId }, keys: moved };
      }
      const revoked = await unit.revokeKeys(now, targetUserId);
      await unit.removeMember(targetUserId);
      return { removal: { userId: targetUserId, role, revokedKeyIds: revoked.map((key) => key.id), transferredKeyIds: [], transferredTo: null }, keys: revoked };
    });
    await this.#record('organization.member_removed', actor, organizationId, now, {
      userId: targetUserId,
      role: removal.role,
      isSelf,
      revokedKeys: removal.revokedKeyIds.length,
      transferredKeys: removal.transferredKeyIds.length,
      transferredTo: removal.transferredTo,
    });
    for (const apiKey of affected) {
      if (removal.transferredTo === null) await this.#recordKey('api_key.revoked', actor, apiKey, now, { reason: 'member_removed' });
      else await this.#recordKey('api_key.transferred', actor, apiKey, now, { toUserId: removal.transferredTo });
    }
    return removal;
  }

  // The caller's role inside the lock; `not_found` for non-members and deleted organisations.
  async #lockedRole(unit: OrganizationUnitOfWork, userId: string, action: OrganizationAction): Promise<OrganizationRole> {
    if (!(await unit.organization())) throw new OrganizationNotFoundError();
    const role = await unit.roleOf(userId);
    if (role === undefined) throw new OrganizationNotFoundError();
    if (!isAllowed(role, action)) throw new OrganizationPermissionError(role, action);
    return role;
  }

  // Whether someone else is a member is visible only to those who may read the member list.
  async #targetRole(unit: OrganizationUnitOfWork, actorRole: OrganizationRole, targetUserId: string): Promise<OrganizationRole> {
    if (!isAllowed(actorRole, 'members.read')) throw new OrganizationPermissionError(actorRole, 'members.read');
    const role = await unit.roleOf(targetUserId);
    if (role === undefined) throw new NotFoundError('Member', 'user_id');
    return role;
  }

  #record(action: AuditAction, actor: AuditActor, organizationId: string, occurredAt: Date, details: Record<string, string | number | boolean | null>) {
    return this.#audit.append({ action, actor, targetType: 'organization', targetId: organizationId, details, occurredAt });
  }

  #recordKey(action: AuditAction, actor: AuditActor, apiKey: ApiKey, occurredAt: Date, details: Record<string, string | number | boolean | null>) {
    return this.#audit.append({
      action,
      actor,
      targetType: 'api_key',
      targetId: apiKey.id,
      details: { ownerUserId: apiKey.ownerUserId, organizationId: apiKey.organizationId, prefix: apiKey.prefix, ...details },
      occurredAt,
    });
  }
}
