import { ssoIdentityHash, type IdentityBlocklist } from '../accounts/identity-blocklist.js';
import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import { RegistrationRefusedError, type RegistrationService } from '../accounts/registration-service.js';
import { newUserRecord, type User } from '../accounts/user.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { OneTimeTokenService } from '../authentication/one-time-token-service.js';
import { InvalidTokenError } from '../authentication/one-time-token-service.js';
import { CharterError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { PendingSsoRegistration } from './sso-identity.js';
import type { SsoIdentityRepository } from './sso-identity-repository.js';

export interface SsoRegistrationServiceOptions {
  registration: RegistrationService;
  identities: SsoIdentityRepository;
  users: UserRepository;
  blocklist: IdentityBlocklist;
  tokens: OneTimeTokenService;
  audit: AuditLog;
  clock: Clock;
}

/** What the registration form adds to a verified identity; the email comes from the provider. */
export interface SsoRegistrationInput {
  token: string;
  displayName: string;
  dateOfBirth: string;
  country: string;
  region: string | null;
  acceptedTermsVersion: string;
  acceptedPrivacyVersion: string;
  organizationName?: string | null;
}

/**
 * Opening an account from a verified SSO identity (ACC-5): the same screening as every registration (age,
 * eligibility, blocklist, terms), no password, the identity linked in the same transaction.
 */
export class SsoRegistrationService {
  readonly #options: SsoRegistrationServiceOptions;

  constructor(options: SsoRegistrationServiceOptions) {
    this.#options = options;
  }

  /** The pending identity of a registration token, for the form (name and email to show). */
  async pending(token: string): Promise<PendingSsoRegistration> {
    return parsePending((await this.#options.tokens.peek('sso_registration', token)).subject);
  }

  /** Create the account; the token is used only once everything passed, so a form error can be corrected. */
  async register(input: SsoRegistrationInput, origin: RequestOrigin): Promise<User> {
    const { registration, identities, users, blocklist, tokens, audit, clock } = this.#options;
    const pending = await this.pending(input.token);
    const application = await registration.screen({ ...input, email: pending.email ?? '' }, origin);
    if (await blocklist.isBlocked(ssoIdentityHash(pending.issuer, pending.subject))) {
      throw new RegistrationRefusedError('identity_blocked', 'This sign-in account cannot be used to open an account.');
    }
    if (await users.findByEmail(application.email)) {
      throw new CharterError('conflict', 'An account with this email already exists. Sign in with your password, then link the provider in your security settings.', { param: 'email' });
    }
    if (await identities.findByIssuerSubject(pending.issuer, pending.subject)) {
      throw new CharterError('conflict', 'This sign-in account already has an account here. Sign in with it instead.', { param: 'token' });
    }
    await tokens.consume('sso_registration', input.token);
    const now = clock();
    const user = newUserRecord({
      id: newId('user'),
      email: application.email,
      displayName: application.displayName,
      role: 'member',
      country: application.country,
      region: application.region,
      // The provider vouched for the address; otherwise it is verified by email like any other.
      emailVerifiedAt: pending.isEmailVerified ? now : null,
      createdAt: now,
    });
    const identityId = newId('ssoid');
    await identities.registerWithIdentity(
      { user, passwordHash: null, acceptances: registration.acceptances(user.id, application, origin, now, 'sso_registration') },
      { id: identityId, userId: user.id, providerId: pending.providerId, issuer: pending.issuer, subject: pending.subject, email: pending.email, createdAt: now, lastUsedAt: now },
    );
    const actor = { userId: user.id, apiKeyId: null, requestId: null, via: 'api' as const };
    await audit.append({ action: 'user.registered', actor, targetType: 'user', targetId: user.id, details: { country: user.country, method: 'sso', provider: pending.providerId }, occurredAt: now });
    await audit.append({ action: 'sso_identity.linked', actor, targetType: 'sso_identity', targetId: identityId, details: { provider: pending.providerId, sessionId: null }, occurredAt: now });
    if (!pending.isEmailVerified) await registration.sendVerification(user);
    return user;
  }
}

function parsePending(subject: string | null): PendingSsoRegistration {
  try {
    const parsed: unknown = JSON.parse(subject ?? '');
    if (isPending(parsed)) return parsed;
  } catch {
    // falls through: a token whose claims cannot be read is as good as none
  }
  throw new InvalidTokenError();
}

function isPending(value: unknown): value is PendingSsoRegistration {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.providerId === 'string' && typeof record.issuer === 'string' && typeof record.subject === 'string' && typeof record.email === 'string' && typeof record.isEmailVerified === 'boolean';
}
