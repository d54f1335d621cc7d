import type { AccountSecurityService, Reauthentication } from '../accounts/account-security-service.js';
import type { User } from '../accounts/user.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AttemptThrottle } from '../authentication/attempt-throttle.js';
import type { SignInService } from '../authentication/sign-in-service.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { AuthenticationError, CharterError, InvalidRequestError } from '../errors.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { Session } from '../sessions/session.js';
import type { Clock } from '../shared/clock.js';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';
import type { TotpAlgorithm } from './totp-algorithm.js';
import { secondFactorAttemptsPerUser, type TwoFactorChecker } from './two-factor-checker.js';
import { type TwoFactorStatus, totpSecretContext } from './two-factor-credential.js';
import type { TwoFactorRepository } from './two-factor-repository.js';

export interface TwoFactorServiceOptions {
  repository: TwoFactorRepository;
  checker: TwoFactorChecker;
  cipher: ContentCipher;
  totp: TotpAlgorithm;
  signIn: SignInService;
  security: AccountSecurityService;
  throttle: AttemptThrottle;
  notifier: AccountNotifier;
  audit: AuditLog;
  clock: Clock;
  /** The name authenticator apps show beside the account. */
  issuer: string;
}

/** What setup hands the person once: the secret for the authenticator app. */
export interface TwoFactorSetup {
  secret: string;
  otpauthUri: string;
  /** Confirm with a code before this, or start again. */
  expiresAt: Date;
}

const setupLifetimeMs = 30 * 60 * 1000;

/** Turning TOTP two-factor authentication on and off, and its recovery codes (ACC-4). */
export class TwoFactorService {
  readonly #options: TwoFactorServiceOptions;

  constructor(options: TwoFactorServiceOptions) {
    this.#options = options;
  }

  async status(userId: string): Promise<TwoFactorStatus> {
    const credential = await this.#options.repository.find(userId);
    const isEnabled = Boolean(credential?.secretSealed);
    return {
      isEnabled,
      enabledAt: credential?.enabledAt ?? null,
      recoveryCodesRemaining: isEnabled ? await this.#options.repository.countUnusedRecoveryCodes(userId) : 0,
      isSetupPending: !isEnabled && credential?.pendingSecretSealed != null && !this.#isExpired(credential.pendingCreatedAt),
    };
  }

  /** Start setup after the password (or a recent sign-in, for SSO-only accounts): a new secret, stored sealed. */
  async beginSetup(user: User, session: Session | null, proof: Reauthentication, actor: AuditActor): Promise<TwoFactorSetup> {
    const { repository, cipher, totp, security, audit, clock, issuer } = this.#options;
    await this.#assertDisabled(user.id);
    await security.reauthenticate(user, session, { password: proof.password });
    const secret = totp.generateSecret();
    const now = clock();
    if (!(await repository.savePending(user.id, await cipher.encrypt(secret, totpSecretContext(user.id)), now))) throw alreadyEnabled();
    await audit.append({ action: 'user.two_factor_setup_started', actor, targetType: 'user', targetId: user.id, details: {}, occurredAt: now });
    return { secret, otpauthUri: totp.keyUri({ issuer, accountName: user.email ?? user.displayName, secret }), expiresAt: new Date(now.getTime() + setupLifetimeMs) };
  }

  /** Confirm setup with a current code: two-factor authentication is on; the recovery codes are shown once. */
  async enable(user: User, code: string, actor: AuditActor): Promise<string[]> {
    const { repository, cipher, totp, throttle, notifier, audit, clock } = this.#options;
    const credential = await repository.find(user.id);
    if (credential?.secretSealed) throw alreadyEnabled();
    if (!credential?.pendingSecretSealed || this.#isExpired(credential.pendingCreatedAt)) {
      throw new InvalidRequestError('There is no two-factor setup waiting for a code, or it expired. Start the setup again.', 'code');
    }
    const typed = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(typed)) throw new InvalidRequestError('Enter the 6-digit code your authenticator app shows.', 'code');
    await throttle.take([{ key: `second-factor:user:${user.id}`, ...secondFactorAttemptsPerUser }]);
    const secret = await cipher.decrypt(credential.pendingSecretSealed, totpSecretContext(user.id));
    const now = clock();
    const timeStep = await totp.matchTimeStep(secret, typed, now, null);
    if (timeStep === null) throw new InvalidRequestError('That code is not correct. Check that the clock of your device is right and enter the current code.', 'code');
    const codes = generateRecoveryCodes();
    const isEnabled = await repository.enable(user.id, { pendingSecretSealed: credential.pendingSecretSealed, acceptedTimeStep: timeStep, recoveryCodeHashes: hashAll(user.id, codes), at: now });
    if (!isEnabled) throw new CharterError('conflict', 'The setup changed meanwhile (another tab?). Start the setup again.');
    await audit.append({ action: 'user.two_factor_enabled', actor, targetType: 'user', targetId: user.id, details: { method: 'totp' }, occurredAt: now });
    if (user.email) notifier.secondFactorChanged(user.email, true);
    return codes;
  }

  /** New recovery codes after full re-authentication (password and a code); the old ones stop working. */
  async regenerateRecoveryCodes(user: User, session: Session | null, proof: Reauthentication, actor: AuditActor): Promise<string[]> {
    const { repository, security, audit, clock } = this.#options;
    await this.#assertEnabled(user.id);
    await security.reauthenticate(user, session, proof);
    const codes = generateRecoveryCodes();
    const now = clock();
    await repository.replaceRecoveryCodes(user.id, hashAll(user.id, codes), now);
    await audit.append({ action: 'user.recovery_codes_regenerated', actor, targetType: 'user', targetId: user.id, details: {}, occurredAt: now });
    return codes;
  }

  /**
   * Turn two-factor authentication off with a fresh code or the password (the rule); every proof that
   * is given must be right.
   */
  async disable(user: User, proof: Reauthentication, actor: AuditActor): Promise<void> {
    const { repository, checker, signIn, notifier, audit, clock } = this.#options;
    await this.#assertEnabled(user.id);
    if (!proof.password && !proof.code) throw new AuthenticationError('reauthentication_required', 'Enter your password or a code from your authenticator app to turn two-factor authentication off.');
    if (proof.password && !(await signIn.verifyPassword(user, proof.password))) throw new AuthenticationError('invalid_credentials', 'Your password is not correct.');
    if (proof.code && !(await checker.check(user.id, proof.code, actor))) throw new AuthenticationError('invalid_credentials', 'That code is not correct.');
    if (!(await repository.disable(user.id))) return;
    await audit.append({ action: 'user.two_factor_disabled', actor, targetType: 'user', targetId: user.id, details: { provedBy: proof.code ? 'code' : 'password' }, occurredAt: clock() });
    if (user.email) notifier.secondFactorChanged(user.email, false);
  }

  #isExpired(pendingCreatedAt: Date | null): boolean {
    return pendingCreatedAt === null || this.#options.clock().getTime() - pendingCreatedAt.getTime() > setupLifetimeMs;
  }

  async #assertDisabled(userId: string): Promise<void> {
    if (await this.#options.repository.isEnabled(userId)) throw alreadyEnabled();
  }

  async #assertEnabled(userId: string): Promise<void> {
    if (!(await this.#options.repository.isEnabled(userId))) throw new CharterError('conflict', 'Two-factor authentication is not on.');
  }
}

function alreadyEnabled(): CharterError {
  return new CharterError('conflict', 'Two-factor authentication is already on. Turn it off first to set up another authenticator.');
}

function hashAll(userId: string, codes: readonly string[]): string[] {
  return codes.map((code) => hashRecoveryCode(userId, normalizeRecoveryCode(code)!));
}
