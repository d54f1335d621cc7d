import type { SecondFactorVerifier } from '../accounts/account-security-service.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AttemptThrottle, AttemptBucket } from '../authentication/attempt-throttle.js';
import type { SecondFactorGate } from '../authentication/second-factor-gate.js';
import type { ContentCipher } from '../content/content-cipher.js';
import type { AccountNotifier } from '../notices/account-notifier.js';
import type { Clock } from '../shared/clock.js';
import { hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';
import type { TotpAlgorithm } from './totp-algorithm.js';
import { totpSecretContext } from './two-factor-credential.js';
import type { TwoFactorRepository } from './two-factor-repository.js';

/** Guesses at second-factor codes per account: a burst of 10, then one every 90 seconds. */
export const secondFactorAttemptsPerUser = { limit: 10, periodMs: 15 * 60 * 1000 };

/** Which kind of code was accepted. */
export type AcceptedSecondFactor = 'totp' | 'recovery_code';

/**
 * Checks second-factor codes (ACC-4): a TOTP code from the authenticator, never the same time step twice, or
 * an unused recovery code, used up on success. Implements core's `SecondFactorGate` (sign-in asks for a code)
 * and `SecondFactorVerifier` (sensitive actions ask for one).
 */
export class TwoFactorChecker implements SecondFactorGate, SecondFactorVerifier {
  readonly #repository: TwoFactorRepository;
  readonly #cipher: ContentCipher;
  readonly #totp: TotpAlgorithm;
  readonly #throttle: AttemptThrottle;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #users: UserRepository;
  readonly #notifier: AccountNotifier;

  constructor(options: {
    repository: TwoFactorRepository;
    cipher: ContentCipher;
    totp: TotpAlgorithm;
    throttle: AttemptThrottle;
    audit: AuditLog;
    clock: Clock;
    /** To email the holder when a recovery code is used. */
    users: UserRepository;
    notifier: AccountNotifier;
  }) {
    this.#repository = options.repository;
    this.#cipher = options.cipher;
    this.#totp = options.totp;
    this.#throttle = options.throttle;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#users = options.users;
    this.#notifier = options.notifier;
  }

  isRequired(userId: string): Promise<boolean> {
    return this.#repository.isEnabled(userId);
  }

  /** For sensitive actions: throttled per account. */
  async verify(userId: string, code: string): Promise<boolean> {
    return (await this.check(userId, code, { userId, apiKeyId: null, requestId: null, via: 'api' })) !== null;
  }

  /**
   * Check (and use up) a code after taking one attempt from the account's bucket and from `extraBuckets` (a
   * sign-in challenge's own); null when wrong, replayed or when two-factor authentication is off.
   */
  async check(userId: string, code: string, actor: AuditActor, extraBuckets: readonly AttemptBucket[] = []): Promise<AcceptedSecondFactor | null> {
    await this.#throttle.take([...extraBuckets, { key: `second-factor:user:${userId}`, ...secondFactorAttemptsPerUser }]);
    const credential = await this.#repository.find(userId);
    if (!credential?.secretSealed) return null;
    const typed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(typed)) {
      const secret = await this.#cipher.decrypt(credential.secretSealed, totpSecretContext(userId));
      const timeStep = await this.#totp.matchTimeStep(secret, typed, this.#clock(), credential.lastUsedTimeStep);
      // The conditional write settles a race between two requests presenting the same code.
      return timeStep !== null && (await this.#repository.useTimeStep(userId, timeStep)) ? 'totp' : null;
    }
    const normalized = normalizeRecoveryCode(typed);
    if (normalized === null) return null;
    const now = this.#clock();
    if (!(await this.#repository.useRecoveryCode(userId, hashRecoveryCode(userId, normalized), now))) return null;
    const remaining = await this.#repository.countUnusedRecoveryCodes(userId);
    await this.#audit.append({ action: 'user.recovery_code_used', actor, targetType: 'user', targetId: userId, details: { remaining }, occurredAt: now });
    const user = await this.#users.findById(userId);
    if (user?.email) this.#notifier.recoveryCodeUsed(user.email, now, remaining);
    return 'recovery_code';
  }
}
