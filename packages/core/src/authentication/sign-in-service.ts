import { createHash } from 'node:crypto';
import { AccountUnavailableError, describeUnavailableAccount } from '../accounts/account-access.js';
import { normalizeEmail } from '../accounts/email-address.js';
import type { ConnectionEligibilityChecker } from '../accounts/eligibility.js';
import { UnsupportedRegionError } from '../accounts/unsupported-region-error.js';
import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import { canAuthenticate, type User } from '../accounts/user.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AuthenticationError } from '../errors.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { OpenedSession, Session } from '../sessions/session.js';
import type { SessionService } from '../sessions/session-service.js';
import { generateOpaqueToken } from '../sessions/session-token.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AttemptThrottle } from './attempt-throttle.js';
import type { KnownDeviceRepository } from './known-device-repository.js';
import type { OneTimeTokenService } from './one-time-token-service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SecondFactorGate } from './second-factor-gate.js';

/** How many guesses, and how fast they refill (GCRA: a burst of `limit`, then one per period / limit). */
export interface SignInThrottleLimits {
  /** Per account, for devices the account has not used before. */
  perAccount: { limit: number; periodMs: number };
  /** Per known device of the account (the device cookie), so the holder is not locked out by an attacker. */
  perKnownDevice: { limit: number; periodMs: number };
  /** Per client IP address, across accounts. */
  perIpAddress: { limit: number; periodMs: number };
}

export const defaultSignInThrottleLimits: SignInThrottleLimits = {
  perAccount: { limit: 10, periodMs: 15 * 60 * 1000 },
  perKnownDevice: { limit: 10, periodMs: 15 * 60 * 1000 },
  perIpAddress: { limit: 100, periodMs: 15 * 60 * 1000 },
};

export interface SignInServiceOptions {
  users: UserRepository;
  sessions: SessionService;
  passwordHasher: PasswordHasher;
  knownDevices: KnownDeviceRepository;
  tokens: OneTimeTokenService;
  throttle: AttemptThrottle;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Consulted after the first factor; absent means no second factor exists yet. */
  secondFactor?: SecondFactorGate;
  /** Refuses sign-in from sanctioned regions (ACC-2: use, not only registration); absent means no check. */
  connectionEligibility?: ConnectionEligibilityChecker;
  limits?: SignInThrottleLimits;
}

/** The outcome of a correct password: a session, or a challenge for the second factor. */
export type SignInResult =
  | { kind: 'signed_in'; user: User; opened: OpenedSession; deviceToken: string }
  | { kind: 'second_factor_required'; user: User; challengeToken: string; deviceToken: string };

export interface PasswordSignInInput {
  email: string;
  password: string;
  /** The device cookie, when the browser has one. */
  deviceToken: string | null;
}

const invalidCredentialsMessage = 'Incorrect email or password.';
const challengeLifetimeMs = 5 * 60 * 1000;
const compromiseLinkLifetimeMs = 7 * 24 * 60 * 60 * 1000;

/** Device cookie → the hash kept per user in the known-device list. */
export function hashDeviceToken(deviceToken: string): string {
  return createHash('sha256').update(`device:${deviceToken}`).digest('hex');
}

/** Signing in with a password (ACC-3), throttled per account, per known device and per IP. */
export class SignInService {
  readonly #options: SignInServiceOptions;
  readonly #limits: SignInThrottleLimits;
  #dummyHash: Promise<string> | undefined;

  constructor(options: SignInServiceOptions) {
    this.#options = options;
    this.#limits = options.limits ?? defaultSignInThrottleLimits;
  }

  async signInWithPassword(input: PasswordSignInInput, origin: RequestOrigin): Promise<SignInResult> {
    const { users, passwordHasher, throttle } = this.#options;
    const email = normalizeEmail(input.email);
    // Where the client connects from is checked before the password, so a refusal tells nothing about the account.
    await this.#assertEligibleConnection(null, origin);
    const user = await users.findByEmail(email);
    const deviceToken = input.deviceToken ?? generateOpaqueToken();
    const isKnownDevice = user !== undefined && input.deviceToken !== null && (await this.#options.knownDevices.isKnown(user.id, hashDeviceToken(input.deviceToken)));
    await throttle.take([
      { key: `sign-in:ip:${origin.ipAddress}`, ...this.#limits.perIpAddress },
      isKnownDevice ? { key: `sign-in:device:${hashDeviceToken(deviceToken)}`, ...this.#limits.perKnownDevice } : { key: `sign-in:account:${email}`, ...this.#limits.perAccount },
    ]);
    const passwordHash = user ? await users.findPasswordHash(user.id) : null;
    // Verify against a throwaway hash when there is no account or no password, so timing does not tell.
    const isCorrect = await passwordHasher.verify(passwordHash ?? (await this.#dummy()), input.password);
    if (!user || !passwordHash || !isCorrect) {
      this.#options.logger.info({ event: 'sign_in_failed', isKnownDevice }, 'sign-in failed');
      throw new AuthenticationError('invalid_credentials', invalidCredentialsMessage);
    }
    return this.afterPrimaryFactor(user, origin, deviceToken, 'password');
  }

  /**
   * After a first factor (password, SSO) proved who someone is: a challenge when the account has a second
   * factor (ACC-4), else the session. Every way of signing in goes through here.
   */
  async afterPrimaryFactor(user: User, origin: RequestOrigin, deviceToken: string, method: Session['method']): Promise<SignInResult> {
    const { secondFactor, tokens } = this.#options;
    if (!canAuthenticate(user)) throw new AccountUnavailableError(describeUnavailableAccount(user));
    await this.#assertEligibleConnection(user, origin);
    if (secondFactor && (await secondFactor.isRequired(user.id))) {
      // The challenge is bound to the device and to how the first factor was given.
      const challengeToken = await tokens.issue('second_factor_challenge', { userId: user.id, subject: `${method}:${hashDeviceToken(deviceToken)}`, lifetimeMs: challengeLifetimeMs });
      return { kind: 'second_factor_required', user, challengeToken, deviceToken };
    }
    return { kind: 'signed_in', user, opened: await this.completeSignIn(user, origin, deviceToken, method), deviceToken };
  }

  /**
   * Open the session of someone who has proved who they are (password, second factor, SSO, new account);
   * remember the device, and email the holder when the device is new to the account.
   */
  async completeSignIn(user: User, origin: RequestOrigin, deviceToken: string, method: Session['method'], options: { isNewAccount?: boolean } = {}): Promise<OpenedSession> {
    const { sessions, knownDevices, tokens, notifier, audit, clock } = this.#options;
    if (!canAuthenticate(user)) throw new AccountUnavailableError(describeUnavailableAccount(user));
    const opened = await sessions.open(user.id, origin, method);
    const deviceHash = hashDeviceToken(deviceToken);
    const now = clock();
    const isNewDevice = !(await knownDevices.isKnown(user.id, deviceHash));
    await knownDevices.remember(user.id, deviceHash, now);
    if (isNewDevice && !options.isNewAccount && user.email) {
      const compromiseToken = await tokens.issue('compromise_report', { userId: user.id, lifetimeMs: compromiseLinkLifetimeMs });
      notifier.newSignIn(user.email, origin, now, compromiseToken);
    }
    await audit.append({ action: 'user.signed_in', actor: { userId: user.id, apiKeyId: null, requestId: null, via: 'api' }, targetType: 'session', targetId: opened.session.id, details: { method, isNewDevice }, occurredAt: now });
    return opened;
  }

  /** Check the password of a signed-in user again before a sensitive action (throttled like sign-in). */
  async verifyPassword(user: User, password: string): Promise<boolean> {
    const { users, passwordHasher, throttle } = this.#options;
    await throttle.take([{ key: `reauthenticate:${user.id}`, ...this.#limits.perKnownDevice }]);
    const passwordHash = await users.findPasswordHash(user.id);
    if (!passwordHash) return false;
    return passwordHasher.verify(passwordHash, password);
  }

  /** Refuse (logged and audited) a sign-in from a sanctioned region, or by an account declared in one. */
  async #assertEligibleConnection(user: User | null, origin: RequestOrigin): Promise<void> {
    const { connectionEligibility, audit, clock, logger } = this.#options;
    if (!connectionEligibility) return;
    const decision = await connectionEligibility.checkConnection({
      ipAddress: origin.ipAddress,
      proxyCountry: origin.proxyCountry ?? null,
      declaredCountry: user?.country ?? null,
      declaredRegion: user?.region ?? null,
    });
    if (decision.isEligible) return;
    logger.warn({ event: 'sign_in_refused', reason: decision.reason, ipCountry: decision.ipCountry, userId: user?.id ?? null }, 'sign-in refused: sanctioned region');
    await audit.append({
      action: 'user.sign_in_refused',
      actor: { userId: user?.id ?? null, apiKeyId: null, requestId: null, via: 'api' },
      targetType: 'user',
      targetId: user?.id ?? null,
      details: { reason: decision.reason, ipCountry: decision.ipCountry, region: decision.detail },
      occurredAt: clock(),
    });
    throw new UnsupportedRegionError(decision.reason);
  }

  #dummy(): Promise<string> {
    return (this.#dummyHash ??= this.#options.passwordHasher.hash(generateOpaqueToken()));
  }
}
