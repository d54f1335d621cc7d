import { CharterError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { canAuthenticate, canUseService, type User } from './user.js';
import type { UserRepository } from './user-repository.js';

/** The account may not be used now (suspended, terminated, locked, deleted or restricted). */
export class AccountUnavailableError extends CharterError {
  constructor(message: string) {
    super('account_unavailable', message);
  }
}

/** The message a person sees when their account cannot be used, without revealing staff notes. */
export function describeUnavailableAccount(user: Pick<User, 'status' | 'lockedAt' | 'deletionRequestedAt'>): string {
  if (user.deletionRequestedAt !== null) return 'This account has been deleted.';
  if (user.lockedAt !== null) return 'This account is locked after a compromise report. Use the recovery link we emailed you, or reset your password.';
  if (user.status === 'suspended') return 'This account is suspended. Contact support if you think this is a mistake.';
  if (user.status === 'terminated') return 'This account has been terminated.';
  if (user.status === 'restricted') return 'This account is restricted: it cannot use the models or create API keys. Contact support for details.';
  return 'This account cannot be used.';
}

interface CachedUser {
  user: User;
  cachedAtMs: number;
}

/**
 * Checks on every authenticated request that the account may still be used (ACC-10). Each node caches a user's
 * state for at most `cacheTtlMs` (default 500 ms), so a suspension made on any node applies everywhere within a
 * second without a database read per request; on the node that made the change, `forget` applies it at once.
 */
export class AccountAccess {
  readonly #users: UserRepository;
  readonly #clock: Clock;
  readonly #cacheTtlMs: number;
  readonly #cache = new Map<string, CachedUser>();

  constructor(options: { users: UserRepository; clock: Clock; cacheTtlMs?: number }) {
    this.#users = options.users;
    this.#clock = options.clock;
    this.#cacheTtlMs = options.cacheTtlMs ?? 500;
  }

  /** The user, or `account_unavailable` unless anything may authenticate as them. */
  async assertCanAuthenticate(userId: string): Promise<User> {
    const user = await this.#load(userId);
    if (!canAuthenticate(user)) throw new AccountUnavailableError(describeUnavailableAccount(user));
    return user;
  }

  /** The user, or `account_unavailable` unless they may use the models and create keys. */
  async assertCanUseService(userId: string): Promise<User> {
    const user = await this.#load(userId);
    if (!canUseService(user)) throw new AccountUnavailableError(describeUnavailableAccount(user));
    return user;
  }

  /** Drop a cached state after a change on this node. */
  forget(userId: string): void {
    this.#cache.delete(userId);
  }

  async #load(userId: string): Promise<User> {
    const nowMs = this.#clock().getTime();
    const cached = this.#cache.get(userId);
    if (cached && nowMs - cached.cachedAtMs < this.#cacheTtlMs) return cached.user;
    const user = await this.#users.findById(userId);
    if (!user) throw new AccountUnavailableError('This account no longer exists.');
    this.#cache.set(userId, { user, cachedAtMs: nowMs });
    if (this.#cache.size > 100_000) this.#cache.delete(this.#cache.keys().next().value as string);
    return user;
  }
}

/** The account's email address is not verified yet, and the action needs it (ACC-1). */
export class EmailNotVerifiedError extends CharterError {
  constructor(action: string) {
    super('email_not_verified', `Verify your email address before you ${action}. We sent you a link; you can ask for a new one in your account settings.`);
  }
}

/** API keys need an account in good standing with a verified email (the instance owner has no email to verify). */
export function assertMayCreateApiKeys(user: User): void {
  if (!canUseService(user)) throw new AccountUnavailableError(describeUnavailableAccount(user));
  if (user.email !== null && user.emailVerifiedAt === null) throw new EmailNotVerifiedError('create API keys');
}
