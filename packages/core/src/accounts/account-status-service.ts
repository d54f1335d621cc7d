import type { ApiKeyService } from '../api-keys/api-key-service.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { CharterError, InvalidRequestError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { composeEmail } from '../notices/account-email-templates.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { AccountAccess } from './account-access.js';
import type { StaffMember } from './admin-access-policy.js';
import { emailIdentityHash, ssoIdentityHash, type IdentityBlocklist } from './identity-blocklist.js';
import { accountStatuses, type AccountStatus, type User } from './user.js';
import type { AccountStatusChange, UserRepository } from './user-repository.js';

/**
 * Hook for the SSO capability (ACC-5): the verified SSO identities linked to an account, which termination puts
 * on the identity blocklist beside the email. Until SSO identities exist nothing is wired here.
 */
export interface VerifiedSsoIdentitySource {
  listVerifiedSsoIdentities(userId: string): Promise<ReadonlyArray<{ provider: string; subject: string }>>;
}

export interface AccountStatusServiceOptions {
  users: UserRepository;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  blocklist: IdentityBlocklist;
  accountAccess: AccountAccess;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  /** The SSO capability plugs in here so termination blocks verified SSO subjects too. */
  ssoIdentities?: VerifiedSsoIdentitySource;
}

export interface StatusChangeRequest {
  userId: string;
  status: AccountStatus;
  /** Why, for the history and appeals; never shown to the account holder. */
  reason: string;
}

const maximumReasonLength = 1000;

/**
 * Staff change account states (ACC-10) with a reason, kept in the history and the audit log. Suspension and
 * termination sign the person out everywhere at once; every node refuses their sessions and keys within the
 * account-access cache time (≤ 500 ms). Termination is final: keys are revoked and the email (and verified SSO
 * subjects) go on the identity blocklist, so the identity can never register again.
 */
export class AccountStatusService {
  readonly #options: AccountStatusServiceOptions;

  constructor(options: AccountStatusServiceOptions) {
    this.#options = options;
  }

  async changeStatus(request: StatusChangeRequest, staff: StaffMember, actor: AuditActor): Promise<{ user: User; change: AccountStatusChange }> {
    const { users, sessions, apiKeys, accountAccess, audit, clock } = this.#options;
    const reason = request.reason.trim();
    if (reason.length === 0 || reason.length > maximumReasonLength) throw new InvalidRequestError(`Give a reason of 1 to ${maximumReasonLength} characters.`, 'reason');
    if (!accountStatuses.includes(request.status)) throw new InvalidRequestError(`The status must be one of ${accountStatuses.join(', ')}.`, 'status');
    const target = await users.findById(request.userId);
    if (!target) throw new NotFoundError('User', 'user_id');
    if (target.role === 'owner') throw new PermissionDeniedError('The state of the instance owner cannot be changed.');
    if (target.id === staff.userId) throw new PermissionDeniedError('You cannot change the state of your own account.');
    if (target.staffRole !== null && staff.role !== 'superadmin') throw new PermissionDeniedError('Only a superadmin may change the state of a staff member.');
    if (target.status === 'terminated') throw new InvalidRequestError('Termination is final: a terminated account cannot be reinstated.', 'status');
    if (target.status === request.status) throw new InvalidRequestError(`The account is already ${request.status}.`, 'status');

    const now = clock();
    const change: AccountStatusChange = { id: newId('asc'), userId: target.id, fromStatus: target.status, toStatus: request.status, reason, actorUserId: staff.userId, occurredAt: now };
    if (!(await users.changeStatus(change))) throw new CharterError('conflict', 'The account state changed meanwhile. Reload it and try again.');
    accountAccess.forget(target.id);

    let sessionsRevoked = 0;
    let keysRevoked = 0;
    let identitiesBlocked = 0;
    if (request.status === 'suspended' || request.status === 'terminated') sessionsRevoked = await sessions.revokeAll(target.id, actor);
    if (request.status === 'terminated') {
      keysRevoked = await apiKeys.revokeAllOfUser(target.id, actor);
      identitiesBlocked = await this.#blockIdentities(target, now);
    }
    await audit.append({
      action: 'user.status_changed',
      actor,
      targetType: 'user',
      targetId: target.id,
      details: { fromStatus: change.fromStatus, toStatus: change.toStatus, staffRole: staff.role, sessionsRevoked, keysRevoked, identitiesBlocked },
      occurredAt: now,
    });
    this.#notify(target, request.status);
    return { user: { ...target, status: request.status }, change };
  }

  /** History of a user's states, oldest first. */
  history(userId: string): Promise<AccountStatusChange[]> {
    return this.#options.users.listStatusChanges(userId);
  }

  async #blockIdentities(user: User, now: Date): Promise<number> {
    const { blocklist, ssoIdentities } = this.#options;
    let count = 0;
    if (user.email) {
      await blocklist.block({ identityHash: emailIdentityHash(user.email), kind: 'email', reason: 'terminated', blockedAt: now });
      count += 1;
    }
    for (const identity of (await ssoIdentities?.listVerifiedSsoIdentities(user.id)) ?? []) {
      await blocklist.block({ identityHash: ssoIdentityHash(identity.provider, identity.subject), kind: 'sso_subject', reason: 'terminated', blockedAt: now });
      count += 1;
    }
    return count;
  }

  // The holder learns the new state, never the staff reason (which may hold notes of an investigation).
  #notify(user: User, status: AccountStatus): void {
    if (!user.email) return;
    const { notifier } = this.#options;
    const content: Record<AccountStatus, { subject: string; paragraphs: string[] }> = {
      active: { subject: 'Your account is active again', paragraphs: ['Your Charter account is active again: you can sign in, use the models and manage API keys.'] },
      restricted: {
        subject: 'Your account is restricted',
        paragraphs: ['Your Charter account is restricted: you can still sign in, manage your account and take your data out, but not use the models or create API keys.', 'Contact support for details.'],
      },
      suspended: {
        subject: 'Your account is suspended',
        paragraphs: ['Your Charter account is suspended: you were signed out everywhere, and its API keys do not work while the suspension lasts.', 'Contact support if you think this is a mistake.'],
      },
      terminated: { subject: 'Your account was terminated', paragraphs: ['Your Charter account was terminated: its sessions and API keys no longer work. Amounts already due stay due.'] },
    };
    notifier.send(composeEmail({ to: user.email, ...content[status] }));
  }
}
