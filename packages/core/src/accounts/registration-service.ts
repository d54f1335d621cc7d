import { CharterError, InvalidRequestError } from '../errors.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { PasswordHasher } from '../authentication/password-hasher.js';
import { assertPasswordAcceptable, type PasswordStrengthRules } from '../authentication/password-rules.js';
import type { OneTimeTokenService } from '../authentication/one-time-token-service.js';
import type { AttemptThrottle } from '../authentication/attempt-throttle.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { ageInYears, ageOfMajority } from './age-of-majority.js';
import { normalizeEmail } from './email-address.js';
import type { EligibilityChecker, IneligibilityReason } from './eligibility.js';
import { emailIdentityHash, type IdentityBlocklist } from './identity-blocklist.js';
import type { CurrentLegalVersions, LegalAcceptance, RequestOrigin } from './legal-acceptance.js';
import type { User } from './user.js';
import type { UserRepository } from './user-repository.js';

/** Why a registration was refused; the message says it plainly. */
export type RegistrationRefusalReason = 'under_age' | 'identity_blocked' | IneligibilityReason;

/** The person may not open an account (ACC-1, ACC-2, ACC-10). */
export class RegistrationRefusedError extends CharterError {
  readonly reason: RegistrationRefusalReason;
  constructor(reason: RegistrationRefusalReason, message: string) {
    super('registration_refused', message);
    this.reason = reason;
  }
}

export interface RegistrationInput {
  email: string;
  password: string;
  displayName: string;
  /** `YYYY-MM-DD`; used for the age check and never stored (only the attestation is). */
  dateOfBirth: string;
  country: string;
  region: string | null;
  /** The versions the person saw and accepted; must be the ones in force. */
  acceptedTermsVersion: string;
  acceptedPrivacyVersion: string;
  /** An organisation name, screened against the restricted-party list with the person's name. */
  organizationName?: string | null;
}

/** What a new account must satisfy that does not depend on how it proves its identity. */
export interface AccountApplication {
  email: string;
  displayName: string;
  dateOfBirth: string;
  country: string;
  region: string | null;
  acceptedTermsVersion: string;
  acceptedPrivacyVersion: string;
  organizationName?: string | null;
}

export interface RegistrationServiceOptions {
  users: UserRepository;
  passwordHasher: PasswordHasher;
  passwordRules: PasswordStrengthRules;
  eligibility: EligibilityChecker;
  blocklist: IdentityBlocklist;
  tokens: OneTimeTokenService;
  throttle: AttemptThrottle;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  legalVersions: CurrentLegalVersions;
  agesOfMajority?: Readonly<Record<string, number>>;
  emailVerificationLifetimeMs?: number;
}

const day = 24 * 60 * 60 * 1000;

/** Opening an account (ACC-1) after the eligibility checks (ACC-2, ACC-10), and proving its email address. */
export class RegistrationService {
  readonly #options: RegistrationServiceOptions;

  constructor(options: RegistrationServiceOptions) {
    this.#options = options;
  }

  /** Register with email and password; sends the verification email. Nothing is stored when it is refused. */
  async register(input: RegistrationInput, origin: RequestOrigin): Promise<User> {
    const { users, passwordHasher, passwordRules, audit, clock } = this.#options;
    const application = await this.screen(input, origin);
    assertPasswordAcceptable(input.password, { email: application.email, displayName: application.displayName }, passwordRules);
    if (await users.findByEmail(application.email)) {
      // Registration reveals that an address has an account: unavoidable with unique emails, so the throttle
      // in `screen` bounds how fast anyone can probe.
      throw new CharterError('conflict', 'An account with this email already exists. Sign in, or reset your password.', { param: 'email' });
    }
    const now = clock();
    const user = this.#newUser(application, now);
    const passwordHash = await passwordHasher.hash(input.password);
    await users.register({ user, passwordHash, acceptances: this.acceptances(user.id, application, origin, now, 'registration') });
    await audit.append({ action: 'user.registered', actor: { userId: user.id, apiKeyId: null, requestId: null, via: 'api' }, targetType: 'user', targetId: user.id, details: { country: user.country, method: 'password' }, occurredAt: now });
    await this.sendVerification(user);
    return user;
  }

  /**
   * The checks every new account passes, however it authenticates (password or SSO): throttling per IP, a
   * valid email, current legal versions, age of majority, eligibility and the terminated-identity list.
   * Refusals on eligibility are audited with the reason and countries, never the date of birth.
   */
  async screen(input: AccountApplication, origin: RequestOrigin): Promise<AccountApplication> {
    const { eligibility, blocklist, audit, clock, legalVersions, throttle } = this.#options;
    await throttle.take([{ key: `register:ip:${origin.ipAddress}`, limit: 20, periodMs: 60 * 60 * 1000 }]);
    const email = normalizeEmail(input.email);
    const displayName = input.displayName.trim();
    if (displayName.length === 0 || displayName.length > 100) throw new InvalidRequestError('Enter a name of 1 to 100 characters.', 'display_name');
    const country = input.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) throw new InvalidRequestError('Choose your country (ISO 3166-1 alpha-2 code).', 'country');
    const region = input.region?.trim().toUpperCase() || null;
    if (region !== null && !new RegExp(`^${country}-[A-Z0-9]{1,3}$`).test(region)) throw new InvalidRequestError(`The region must be an ISO 3166-2 code of ${country}, such as ${country}-01.`, 'region');
    if (input.acceptedTermsVersion !== legalVersions.terms) throw new InvalidRequestError(`Accept the current Terms of Service (version ${legalVersions.terms}).`, 'accept_terms_version');
    if (input.acceptedPrivacyVersion !== legalVersions.privacy) throw new InvalidRequestError(`Accept the current Privacy Policy (version ${legalVersions.privacy}).`, 'accept_privacy_version');

    const now = clock();
    const age = ageInYears(input.dateOfBirth, now);
    if (age === null) throw new InvalidRequestError('Enter your date of birth as YYYY-MM-DD.', 'date_of_birth');
    const majority = ageOfMajority(country, region, this.#options.agesOfMajority);
    if (age < majority) {
      throw new RegistrationRefusedError('under_age', `You must be at least ${majority} years old (the age of majority where you live) to open an account.`);
    }
    if (await blocklist.isBlocked(emailIdentityHash(email))) {
      await this.#auditRefusal('identity_blocked', country, null, now);
      throw new RegistrationRefusedError('identity_blocked', 'This email address cannot be used to open an account.');
    }
    const decision = await eligibility.check({ declaredCountry: country, declaredRegion: region, ipAddress: origin.ipAddress, proxyCountry: origin.proxyCountry ?? null, names: [displayName, input.organizationName ?? ''].filter(Boolean) });
    if (!decision.isEligible) {
      await this.#auditRefusal(decision.reason, country, decision.ipCountry, now);
      throw new RegistrationRefusedError(decision.reason, refusalMessage(decision.reason));
    }
    return { ...input, email, displayName, country, region };
  }

  /** The acceptance records (POL-3) of a new account. */
  acceptances(userId: string, application: AccountApplication, origin: RequestOrigin, acceptedAt: Date, method: LegalAcceptance['method']): LegalAcceptance[] {
    const common = { userId, acceptedAt, ipAddress: origin.ipAddress, userAgent: origin.userAgent?.slice(0, 512) ?? null, method };
    return [
      { id: newId('acc'), document: 'terms', version: application.acceptedTermsVersion, ...common },
      { id: newId('acc'), document: 'privacy', version: application.acceptedPrivacyVersion, ...common },
    ];
  }

  /** Email a fresh verification link (ACC-1). */
  async sendVerification(user: User): Promise<void> {
    if (!user.email) return;
    const token = await this.#options.tokens.issue('email_verification', { userId: user.id, subject: user.email, lifetimeMs: this.#options.emailVerificationLifetimeMs ?? day });
    this.#options.notifier.emailVerification(user.email, token);
  }

  /** Send the verification email again, at most 5 times an hour per account. */
  async resendVerification(user: User): Promise<void> {
    if (user.emailVerifiedAt !== null) throw new InvalidRequestError('Your email address is already verified.');
    await this.#options.throttle.take([{ key: `verify-email:${user.id}`, limit: 5, periodMs: 60 * 60 * 1000 }]);
    await this.sendVerification(user);
  }

  /** Redeem a verification link: single use, expiring, and only for the address it was sent to. */
  async verifyEmail(token: string): Promise<User> {
    const { tokens, users, audit, clock } = this.#options;
    const redeemed = await tokens.consume('email_verification', token);
    const now = clock();
    if (!redeemed.userId || !redeemed.subject || !(await users.markEmailVerified(redeemed.userId, redeemed.subject, now))) {
      throw new InvalidRequestError('This link was for an email address the account no longer uses.', 'token');
    }
    await audit.append({ action: 'user.email_verified', actor: { userId: redeemed.userId, apiKeyId: null, requestId: null, via: 'api' }, targetType: 'user', targetId: redeemed.userId, details: {}, occurredAt: now });
    const user = await users.findById(redeemed.userId);
    if (!user) throw new InvalidRequestError('This account no longer exists.', 'token');
    return user;
  }

  #newUser(application: AccountApplication, now: Date): User {
    return {
      id: newId('user'),
      email: application.email,
      displayName: application.displayName,
      role: 'member',
      status: 'active',
      emailVerifiedAt: null,
      country: application.country,
      region: application.region,
      staffRole: null,
      lockedAt: null,
      deletionRequestedAt: null,
      createdAt: now,
    };
  }

  async #auditRefusal(reason: RegistrationRefusalReason, declaredCountry: string, ipCountry: string | null, occurredAt: Date): Promise<void> {
    this.#options.logger.warn({ reason, declaredCountry, ipCountry }, 'registration refused');
    await this.#options.audit.append({ action: 'user.registration_refused', actor: { userId: null, apiKeyId: null, requestId: null, via: 'api' }, targetType: 'registration', targetId: null, details: { reason, declaredCountry, ipCountry }, occurredAt });
  }
}

function refusalMessage(reason: IneligibilityReason): string {
  switch (reason) {
    case 'sanctioned_declared_region':
      return 'We cannot offer accounts to residents of the country or region you declared, because of sanctions and export-control laws.';
    case 'sanctioned_ip_region':
      return 'We cannot offer the service in the region you are connecting from, because of sanctions and export-control laws.';
    case 'restricted_party':
      return 'We cannot open this account: the name or organisation matches a restricted-party list. Contact support if you believe this is an error.';
  }
}
