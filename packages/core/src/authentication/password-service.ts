import { normalizeEmail } from '../accounts/email-address.js';
import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import type { User } from '../accounts/user.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AccountAccess } from '../accounts/account-access.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AuthenticationError } from '../errors.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Clock } from '../shared/clock.js';
import type { AttemptThrottle } from './attempt-throttle.js';
import type { OneTimeTokenService } from './one-time-token-service.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertPasswordAcceptable, type PasswordStrengthRules } from './password-rules.js';
import type { SignInService } from './sign-in-service.js';

export interface PasswordServiceOptions {
  users: UserRepository;
  sessions: SessionService;
  signIn: SignInService;
  passwordHasher: PasswordHasher;
  passwordRules: PasswordStrengthRules;
  tokens: OneTimeTokenService;
  throttle: AttemptThrottle;
  notifier: AccountNotifier;
  accountAccess: AccountAccess;
  audit: AuditLog;
  clock: Clock;
}

const resetLinkLifetimeMs = 60 * 60 * 1000;

/** Changing and resetting passwords (ACC-3), and recovering a locked account by reset (ACC-8). */
export class PasswordService {
  readonly #options: PasswordServiceOptions;

  constructor(options: PasswordServiceOptions) {
    this.#options = options;
  }

  /** Change the password of a signed-in user; every other session ends. */
  async change(user: User, input: { currentPassword: string; newPassword: string; keepSessionId: string | null }, actor: AuditActor): Promise<void> {
    const { signIn, passwordHasher, passwordRules, users, sessions, notifier, audit, clock } = this.#options;
    if (!(await signIn.verifyPassword(user, input.currentPassword))) {
      throw new AuthenticationError('invalid_credentials', 'Your current password is not correct.');
    }
    assertPasswordAcceptable(input.newPassword, { email: user.email, displayName: user.displayName }, passwordRules, 'new_password');
    const now = clock();
    await users.setPasswordHash(user.id, await passwordHasher.hash(input.newPassword), now);
    await sessions.revokeAll(user.id, actor, input.keepSessionId ?? undefined);
    await audit.append({ action: 'user.password_changed', actor, targetType: 'user', targetId: user.id, details: { method: 'change' }, occurredAt: now });
    if (user.email) notifier.passwordChanged(user.email);
  }

  /**
   * Email a reset link when the address has an account that may sign in or recover. The answer is the same
   * whether or not it has one (no account enumeration); at most 3 emails an hour per address.
   */
  async requestReset(email: string, origin: RequestOrigin): Promise<void> {
    const { users, tokens, notifier, throttle } = this.#options;
    const normalized = normalizeEmail(email);
    await throttle.take([
      { key: `password-reset:ip:${origin.ipAddress}`, limit: 20, periodMs: 60 * 60 * 1000 },
      { key: `password-reset:email:${normalized}`, limit: 3, periodMs: 60 * 60 * 1000 },
    ]);
    const user = await users.findByEmail(normalized);
    if (!user || !user.email || !isRecoverable(user)) return;
    const token = await tokens.issue('password_reset', { userId: user.id, subject: user.email, lifetimeMs: resetLinkLifetimeMs });
    notifier.passwordReset(user.email, token);
  }

  /**
   * Set a new password with a reset link. Every session ends, every other reset link dies, a locked account is
   * unlocked (that is how a compromised account is recovered), and the email counts as verified: the link
   * proved control of it.
   */
  async confirmReset(token: string, newPassword: string, requestId: string | null): Promise<User> {
    const { users, tokens, passwordHasher, passwordRules, sessions, notifier, audit, clock, accountAccess } = this.#options;
    const peeked = await tokens.peek('password_reset', token);
    const user = peeked.userId ? await users.findById(peeked.userId) : undefined;
    if (!user || !isRecoverable(user)) throw new AuthenticationError('invalid_credentials', 'This account cannot be recovered. Contact support.');
    assertPasswordAcceptable(newPassword, { email: user.email, displayName: user.displayName }, passwordRules);
    const redeemed = await tokens.consume('password_reset', token);
    const now = clock();
    const actor: AuditActor = { userId: user.id, apiKeyId: null, requestId, via: 'api' };
    await users.setPasswordHash(user.id, await passwordHasher.hash(newPassword), now);
    if (redeemed.subject && redeemed.subject === user.email && user.emailVerifiedAt === null) await users.markEmailVerified(user.id, redeemed.subject, now);
    await tokens.invalidateAll(user.id, 'password_reset');
    await sessions.revokeAll(user.id, actor);
    if (user.lockedAt !== null) {
      await users.setLocked(user.id, null);
      await audit.append({ action: 'user.unlocked', actor, targetType: 'user', targetId: user.id, details: { method: 'password_reset' }, occurredAt: now });
    }
    accountAccess.forget(user.id);
    await audit.append({ action: 'user.password_changed', actor, targetType: 'user', targetId: user.id, details: { method: 'reset' }, occurredAt: now });
    if (user.email) notifier.passwordChanged(user.email);
    return (await users.findById(user.id)) ?? user;
  }
}

/** Reset and recovery work for active, restricted and locked accounts; never for suspended, terminated or deleted ones. */
function isRecoverable(user: User): boolean {
  return (user.status === 'active' || user.status === 'restricted') && user.deletionRequestedAt === null;
}
