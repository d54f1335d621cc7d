import type { ApiKeyService } from '../api-keys/api-key-service.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { OneTimeTokenService } from '../authentication/one-time-token-service.js';
import type { SignInService } from '../authentication/sign-in-service.js';
import { AuthenticationError, InvalidRequestError } from '../errors.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { Session } from '../sessions/session.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Clock } from '../shared/clock.js';
import type { AccountAccess } from './account-access.js';
import type { User } from './user.js';
import type { UserRepository } from './user-repository.js';

/** Port: extra proof a sensitive action needs when the account has a second factor (ACC-4). */
export interface SecondFactorVerifier {
  /** Whether the user has a second factor, so sensitive actions must present a code. */
  isRequired(userId: string): Promise<boolean>;
  /** Check (and use up) a TOTP or recovery code; false when wrong. */
  verify(userId: string, code: string): Promise<boolean>;
}

export interface AccountSecurityServiceOptions {
  users: UserRepository;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  signIn: SignInService;
  tokens: OneTimeTokenService;
  notifier: AccountNotifier;
  accountAccess: AccountAccess;
  audit: AuditLog;
  clock: Clock;
  secondFactor?: SecondFactorVerifier;
  /** Checks and clean-up of other capabilities before an account is deleted (organisations it owns). */
  beforeDeletion?: (user: User, actor: AuditActor) => Promise<void>;
}

/** Proof a person gives again before a sensitive action. */
export interface Reauthentication {
  password?: string | null;
  /** A TOTP or recovery code, when the account has a second factor. */
  code?: string | null;
}

const recoveryLinkLifetimeMs = 24 * 60 * 60 * 1000;
/** An SSO-only account proves itself by a sign-in this recent. */
const recentSignInMs = 10 * 60 * 1000;

/** Compromise reports (ACC-8), self-service deletion (ACC-9) and re-authentication for sensitive actions. */
export class AccountSecurityService {
  readonly #options: AccountSecurityServiceOptions;

  constructor(options: AccountSecurityServiceOptions) {
    this.#options = options;
  }

  /** "This wasn't me" from a signed-in session. */
  async reportCompromise(user: User, actor: AuditActor): Promise<void> {
    await this.#lock(user, actor, 'session');
  }

  /** "This wasn't me" from the link in a new-sign-in email: no session needed, the link is single use. */
  async reportCompromiseByLink(token: string, requestId: string | null): Promise<void> {
    const redeemed = await this.#options.tokens.consume('compromise_report', token);
    const user = redeemed.userId ? await this.#options.users.findById(redeemed.userId) : undefined;
    if (!user) return;
    await this.#lock(user, { userId: user.id, apiKeyId: null, requestId, via: 'api' }, 'email_link');
  }

  /**
   * Check the proof of a sensitive action: the password (when the account has one, else a sign-in within the
   * last ten minutes) and, when the account has a second factor, a code.
   */
  async reauthenticate(user: User, session: Session | null, proof: Reauthentication): Promise<void> {
    const { users, signIn, secondFactor, sessions } = this.#options;
    const hasPassword = (await users.findPasswordHash(user.id)) !== null;
    if (hasPassword) {
      if (!proof.password) throw new AuthenticationError('reauthentication_required', 'Enter your password to confirm.');
      if (!(await signIn.verifyPassword(user, proof.password))) throw new AuthenticationError('invalid_credentials', 'Your password is not correct.');
    } else if (!session || !sessions.isRecentlyAuthenticated(session, recentSignInMs)) {
      throw new AuthenticationError('reauthentication_required', 'Sign in again to confirm (your last sign-in is more than ten minutes old).');
    }
    if (secondFactor && (await secondFactor.isRequired(user.id))) {
      if (!proof.code) throw new AuthenticationError('reauthentication_required', 'Enter a code from your authenticator app or a recovery code to confirm.');
      if (!(await secondFactor.verify(user.id, proof.code))) throw new AuthenticationError('invalid_credentials', 'That code is not correct.');
    }
  }

  /**
   * Delete the account (ACC-9) after re-authentication: it enters the deletion state, and every session and
   * key stops working at once. What happens to the data is the privacy capability's; amounts due stay due.
   */
  async deleteAccount(user: User, session: Session | null, proof: Reauthentication, actor: AuditActor): Promise<void> {
    const { users, sessions, apiKeys, notifier, accountAccess, audit, clock } = this.#options;
    if (user.role === 'owner') throw new InvalidRequestError('The instance owner cannot be deleted.');
    await this.reauthenticate(user, session, proof);
    await this.#options.beforeDeletion?.(user, actor);
    const now = clock();
    await users.markDeletionRequested(user.id, now);
    accountAccess.forget(user.id);
    await sessions.revokeAll(user.id, actor);
    await apiKeys.revokeAllOfUser(user.id, actor);
    await audit.append({ action: 'user.deletion_requested', actor, targetType: 'user', targetId: user.id, details: {}, occurredAt: now });
    if (user.email) notifier.accountDeleted(user.email);
  }

  async #lock(user: User, actor: AuditActor, via: 'session' | 'email_link'): Promise<void> {
    const { users, sessions, apiKeys, tokens, notifier, accountAccess, audit, clock } = this.#options;
    const now = clock();
    if (user.lockedAt === null) await users.setLocked(user.id, now);
    accountAccess.forget(user.id);
    const sessionCount = await sessions.revokeAll(user.id, actor);
    const keyCount = await apiKeys.revokeAllOfUser(user.id, actor);
    await audit.append({ action: 'user.compromise_reported', actor, targetType: 'user', targetId: user.id, details: { via, sessionsRevoked: sessionCount, keysRevoked: keyCount }, occurredAt: now });
    if (user.email) {
      const recoveryToken = await tokens.issue('password_reset', { userId: user.id, subject: user.email, lifetimeMs: recoveryLinkLifetimeMs });
      notifier.accountLocked(user.email, recoveryToken);
    }
  }
}
