import { timingSafeEqual } from 'node:crypto';
import type { RequestOrigin } from '../accounts/legal-acceptance.js';
import type { User } from '../accounts/user.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { InvalidTokenError, type OneTimeTokenService } from '../authentication/one-time-token-service.js';
import { hashDeviceToken, type SignInService } from '../authentication/sign-in-service.js';
import { AuthenticationError } from '../errors.js';
import type { OpenedSession, Session } from '../sessions/session.js';
import type { TwoFactorChecker } from './two-factor-checker.js';

/** Guesses per sign-in challenge: five, over the challenge's five-minute life. */
const attemptsPerChallenge = { limit: 5, periodMs: 5 * 60 * 1000 };
const sessionMethods: ReadonlySet<string> = new Set<Session['method']>(['password', 'sso', 'registration', 'password_reset']);

export interface SecondFactorSignInInput {
  challengeToken: string;
  /** A TOTP code or a recovery code. */
  code: string;
  /** The device cookie the challenge was issued to. */
  deviceToken: string | null;
}

/**
 * The second step of a sign-in (ACC-4): the challenge `SignInService.afterPrimaryFactor` issued, redeemed with a
 * code from the same device within five minutes, once.
 */
export class SecondFactorSignInService {
  readonly #options: { tokens: OneTimeTokenService; users: UserRepository; signIn: SignInService; checker: TwoFactorChecker };

  constructor(options: { tokens: OneTimeTokenService; users: UserRepository; signIn: SignInService; checker: TwoFactorChecker }) {
    this.#options = options;
  }

  async complete(input: SecondFactorSignInInput, origin: RequestOrigin, requestId: string | null): Promise<{ user: User; opened: OpenedSession; deviceToken: string }> {
    const { tokens, users, signIn, checker } = this.#options;
    const challenge = await tokens.peek('second_factor_challenge', input.challengeToken).catch(() => {
      throw invalidChallenge();
    });
    // The subject is `<first-factor method>:<device hash>`: a challenge only completes on the device it was issued to.
    const separator = challenge.subject?.indexOf(':') ?? -1;
    const method = challenge.subject?.slice(0, separator) ?? '';
    const boundDevice = challenge.subject?.slice(separator + 1) ?? '';
    if (!challenge.userId || separator < 0 || !sessionMethods.has(method) || !input.deviceToken || !isSameHash(boundDevice, hashDeviceToken(input.deviceToken))) throw invalidChallenge();
    const userId = challenge.userId;
    const actor = { userId, apiKeyId: null, requestId, via: 'api' as const };
    const accepted = await checker.check(userId, input.code, actor, [{ key: `second-factor:challenge:${challenge.id}`, ...attemptsPerChallenge }]);
    if (!accepted) throw new AuthenticationError('invalid_credentials', 'That code is not correct.');
    // Used only now, so a mistyped code can be corrected; the conditional consume lets one of two racers through.
    await tokens.consume('second_factor_challenge', input.challengeToken).catch(() => {
      throw invalidChallenge();
    });
    const user = await users.findById(userId);
    if (!user) throw invalidChallenge();
    return { user, opened: await signIn.completeSignIn(user, origin, input.deviceToken, method as Session['method']), deviceToken: input.deviceToken };
  }
}

function invalidChallenge(): InvalidTokenError {
  return new InvalidTokenError('This sign-in attempt is invalid or has expired. Sign in again.', 'challenge_token');
}

function isSameHash(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}
