import { CharterError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { generateOpaqueToken, hashOpaqueToken } from '../sessions/session-token.js';
import type { OneTimeToken, OneTimeTokenPurpose } from './one-time-token.js';
import type { OneTimeTokenRepository } from './one-time-token-repository.js';

/** A link or challenge token that is unknown, used, expired or meant for something else. */
export class InvalidTokenError extends CharterError {
  constructor(message = 'This link or code is invalid or has expired.', param = 'token') {
    super('invalid_token', message, { param });
  }
}

/** Issues and redeems single-use, expiring tokens (email links, sign-in challenges). */
export class OneTimeTokenService {
  readonly #repository: OneTimeTokenRepository;
  readonly #clock: Clock;

  constructor(options: { repository: OneTimeTokenRepository; clock: Clock }) {
    this.#repository = options.repository;
    this.#clock = options.clock;
  }

  /** A new token for `purpose`, valid for `lifetimeMs`; the returned secret is never stored. */
  async issue(purpose: OneTimeTokenPurpose, options: { userId: string | null; lifetimeMs: number; subject?: string | null }): Promise<string> {
    const now = this.#clock();
    const token = generateOpaqueToken();
    await this.#repository.insert({
      id: newId('ott'),
      userId: options.userId,
      purpose,
      tokenHash: hashOpaqueToken(token),
      subject: options.subject ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.lifetimeMs),
      usedAt: null,
    });
    return token;
  }

  /** Use a token once, or throw `invalid_token`. */
  async consume(purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeToken> {
    const consumed = await this.#repository.consume(purpose, hashOpaqueToken(token), this.#clock());
    if (!consumed) throw new InvalidTokenError();
    return consumed;
  }

  /** Check a token without using it, or throw `invalid_token`. */
  async peek(purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeToken> {
    const found = await this.#repository.peek(purpose, hashOpaqueToken(token), this.#clock());
    if (!found) throw new InvalidTokenError();
    return found;
  }

  invalidateAll(userId: string, purpose: OneTimeTokenPurpose): Promise<void> {
    return this.#repository.invalidateAll(userId, purpose, this.#clock());
  }
}
