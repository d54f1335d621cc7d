import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { OneTimeTokenService } from '../authentication/one-time-token-service.js';
import type { PasswordHasher } from '../authentication/password-hasher.js';
import { assertPasswordAcceptable, type PasswordStrengthRules } from '../authentication/password-rules.js';
import { CharterError, InvalidRequestError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { normalizeEmail } from './email-address.js';
import { emailIdentityHash, type IdentityBlocklist } from './identity-blocklist.js';
import { newUserRecord, staffRoles, type StaffRole, type User } from './user.js';
import type { UserRepository } from './user-repository.js';

export interface StaffAccountServiceOptions {
  users: UserRepository;
  passwordHasher: PasswordHasher;
  passwordRules: PasswordStrengthRules;
  tokens: OneTimeTokenService;
  blocklist: IdentityBlocklist;
  audit: AuditLog;
  clock: Clock;
}

export interface NewStaffAccount {
  email: string;
  role: StaffRole;
  displayName?: string | null;
  /** A password given by the operator (`--password-stdin`); without one, a single-use link sets it. */
  password?: string | null;
}

/** How long the password-set link of a new staff account works. */
export const staffPasswordLinkLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * Staff accounts from the command line (ADM-6), above all the first operator (`charter admin create`). The
 * operator vouches for the address, so it is verified at once; the password is set by the person through a
 * single-use link (a password-reset token), so it never passes through the operator's shell history.
 */
export class StaffAccountService {
  readonly #options: StaffAccountServiceOptions;

  constructor(options: StaffAccountServiceOptions) {
    this.#options = options;
  }

  /** Create the account; returns the password-set token when no password was given. */
  async createStaff(input: NewStaffAccount, actor: AuditActor): Promise<{ user: User; passwordSetToken: string | null }> {
    const { users, passwordHasher, passwordRules, tokens, blocklist, audit, clock } = this.#options;
    const email = normalizeEmail(input.email);
    if (!staffRoles.includes(input.role)) throw new InvalidRequestError(`The role must be one of ${staffRoles.join(', ')}.`, 'role');
    const displayName = input.displayName?.trim() || email.split('@')[0]!;
    if (displayName.length > 100) throw new InvalidRequestError('Use a name of at most 100 characters.', 'display_name');
    if (await blocklist.isBlocked(emailIdentityHash(email))) throw new InvalidRequestError('This email address belongs to a terminated account and cannot be used again.', 'email');
    if (await users.findByEmail(email)) throw new CharterError('conflict', `An account with ${email} already exists.`, { param: 'email' });
    if (input.password) assertPasswordAcceptable(input.password, { email, displayName }, passwordRules);

    const now = clock();
    const user = newUserRecord({ id: newId('user'), email, displayName, role: 'member', staffRole: input.role, emailVerifiedAt: now, createdAt: now });
    await users.create(user);
    let passwordSetToken: string | null = null;
    if (input.password) await users.setPasswordHash(user.id, await passwordHasher.hash(input.password), now);
    else passwordSetToken = await tokens.issue('password_reset', { userId: user.id, subject: email, lifetimeMs: staffPasswordLinkLifetimeMs });
    await audit.append({ action: 'staff.created', actor, targetType: 'user', targetId: user.id, details: { role: input.role, hasPassword: Boolean(input.password) }, occurredAt: now });
    return { user, passwordSetToken };
  }
}
