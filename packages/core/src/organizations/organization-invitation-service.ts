import { EmailNotVerifiedError } from '../accounts/account-access.js';
import { normalizeEmail } from '../accounts/email-address.js';
import type { User } from '../accounts/user.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditAction, AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { InvalidTokenError } from '../authentication/one-time-token-service.js';
import { CharterError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { composeEmail } from '../notices/account-email-templates.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import { generateOpaqueToken, hashOpaqueToken } from '../sessions/session-token.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Membership, OrganizationInvitation } from './organization.js';
import { OrganizationNotFoundError, OrganizationPermissionError, throwIfRefused } from './organization-errors.js';
import { isAllowed, membershipChangeRefusal, type OrganizationRole } from './organization-permissions.js';
import type { OrganizationRepository } from './organization-repository.js';
import type { OrganizationService } from './organization-service.js';

const dayMs = 86_400_000;

export interface OrganizationInvitationServiceOptions {
  repository: OrganizationRepository;
  organizations: OrganizationService;
  users: Pick<UserRepository, 'findByEmail'>;
  notifier: Pick<AccountNotifier, 'send' | 'link'>;
  audit: AuditLog;
  clock: Clock;
  /** How long an invitation link works (default 7 days). */
  lifetimeMs?: number;
}

/**
 * Invitations by email (ACC-7): a single-use, expiring link that only the person signed in with the invited,
 * verified address can accept. Inviting the same address again replaces the earlier link; owners and admins
 * can list and revoke pending invitations. Every step is audited.
 */
export class OrganizationInvitationService {
  readonly #repository: OrganizationRepository;
  readonly #organizations: OrganizationService;
  readonly #users: Pick<UserRepository, 'findByEmail'>;
  readonly #notifier: Pick<AccountNotifier, 'send' | 'link'>;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #lifetimeMs: number;

  constructor(options: OrganizationInvitationServiceOptions) {
    this.#repository = options.repository;
    this.#organizations = options.organizations;
    this.#users = options.users;
    this.#notifier = options.notifier;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#lifetimeMs = options.lifetimeMs ?? 7 * dayMs;
  }

  /** Invite an address with a role; emails the link and returns the invitation (never its token). */
  async invite(userId: string, organizationId: string, input: { email: string; role: OrganizationRole }, actor: AuditActor): Promise<OrganizationInvitation> {
    const email = normalizeEmail(input.email);
    // Read before the lock: the unit of work may use only its own transaction.
    const invitee = await this.#users.findByEmail(email);
    const now = this.#clock();
    const token = generateOpaqueToken();
    const invitation: OrganizationInvitation = {
      id: newId('inv'),
      organizationId,
      email,
      role: input.role,
      tokenHash: hashOpaqueToken(token),
      invitedByUserId: userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.#lifetimeMs),
      acceptedAt: null,
      acceptedByUserId: null,
      revokedAt: null,
    };
    const organizationName = await this.#repository.withOrganizationLocked(organizationId, async (unit) => {
      const organization = await unit.organization();
      const actorRole = organization ? await unit.roleOf(userId) : undefined;
      if (!organization || actorRole === undefined) throw new OrganizationNotFoundError();
      throwIfRefused(membershipChangeRefusal({ actorRole, isSelf: false, fromRole: null, toRole: input.role, ownerCount: await unit.countOwners() }), 'members.invite', actorRole);
      if (invitee && (await unit.roleOf(invitee.id)) !== undefined) throw new CharterError('conflict', 'This person is already a member of the organization.', { param: 'email' });
      await unit.replaceInvitation(invitation);
      return organization.name;
    });
    await this.#record('organization.invitation_sent', actor, invitation, now);
    this.#notifier.send(composeEmail({
      to: email,
      subject: `You are invited to join ${organizationName} on Charter`,
      paragraphs: [
        `You were invited to join the organization "${organizationName}" on Charter as ${input.role}.`,
        `Sign in (or create an account) with this email address, ${email}, then accept. The link works once and expires in ${Math.round(this.#lifetimeMs / dayMs)} days. If you did not expect this, ignore this email.`,
      ],
      action: { label: 'Accept invitation', url: this.#notifier.link('/invitations', token) },
    }));
    return invitation;
  }

  /** Invitations still pending, for owners and admins. */
  async listPending(userId: string, organizationId: string): Promise<OrganizationInvitation[]> {
    await this.#organizations.authorize(userId, organizationId, 'members.invite');
    return this.#repository.listPendingInvitations(organizationId, this.#clock());
  }

  /** Revoke a pending invitation: its link stops working at once. */
  async revoke(userId: string, organizationId: string, invitationId: string, actor: AuditActor): Promise<void> {
    const now = this.#clock();
    const invitation = await this.#repository.withOrganizationLocked(organizationId, async (unit) => {
      const role = (await unit.organization()) ? await unit.roleOf(userId) : undefined;
      if (role === undefined) throw new OrganizationNotFoundError();
      if (!isAllowed(role, 'members.invite')) throw new OrganizationPermissionError(role, 'members.invite');
      const pending = await unit.findPendingInvitation(invitationId, now);
      if (!pending || !(await unit.revokeInvitation(invitationId, now))) throw new NotFoundError('Invitation', 'invitation_id');
      return pending;
    });
    await this.#record('organization.invitation_revoked', actor, invitation, now);
  }

  /**
   * Accept with the token from the email, signed in as `user`. Only a verified address equal to the invited one
   * (compared lower-cased) may accept; the token works once, before it expires and unless it was revoked or
   * replaced. A wrong address leaves the invitation pending for its rightful recipient.
   */
  async accept(user: User, token: string, actor: AuditActor): Promise<Membership> {
    const now = this.#clock();
    const found = await this.#repository.findInvitationByTokenHash(hashOpaqueToken(token));
    if (!found || !isPending(found, now)) throw new InvalidTokenError('This invitation is invalid, was already used, was revoked or has expired. Ask for a new one.');
    if (user.email === null || user.emailVerifiedAt === null) throw new EmailNotVerifiedError('accept an invitation');
    if (user.email !== found.email) throw new PermissionDeniedError('This invitation was sent to another email address. Sign in with that address to accept it.');
    const membership = await this.#repository.withOrganizationLocked(found.organizationId, async (unit): Promise<Membership> => {
      const organization = await unit.organization();
      const pending = organization ? await unit.findPendingInvitation(found.id, now) : undefined;
      if (!organization || !pending) throw new InvalidTokenError('This invitation is invalid, was already used, was revoked or has expired. Ask for a new one.');
      if ((await unit.roleOf(user.id)) !== undefined) throw new CharterError('conflict', 'You are already a member of this organization.');
      if (!(await unit.markInvitationAccepted(pending.id, user.id, now))) throw new InvalidTokenError();
      await unit.addMember({ organizationId: organization.id, userId: user.id, role: pending.role, joinedAt: now });
      return { organization, role: pending.role };
    });
    await this.#record('organization.invitation_accepted', actor, found, now);
    await this.#audit.append({
      action: 'organization.member_added',
      actor,
      targetType: 'organization',
      targetId: found.organizationId,
      details: { userId: user.id, role: membership.role, invitationId: found.id },
      occurredAt: now,
    });
    return membership;
  }

  #record(action: AuditAction, actor: AuditActor, invitation: OrganizationInvitation, occurredAt: Date) {
    return this.#audit.append({
      action,
      actor,
      targetType: 'organization_invitation',
      targetId: invitation.id,
      details: { organizationId: invitation.organizationId, role: invitation.role },
      occurredAt,
    });
  }
}

function isPending(invitation: OrganizationInvitation, now: Date): boolean {
  return invitation.acceptedAt === null && invitation.revokedAt === null && invitation.expiresAt.getTime() > now.getTime();
}
