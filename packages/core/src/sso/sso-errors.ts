import { CharterError } from '../errors.js';
import type { SsoIntent } from './sso-identity.js';

/** Why a round trip through a provider did not sign anyone in; the callback redirects with this code. */
export type SsoFailureReason =
  /** Unknown, used, expired or foreign `state`, or a browser without the binding cookie. */
  | 'invalid_state'
  /** The provider refused, or its response failed a check (code, PKCE, ID token). */
  | 'provider_error'
  /** The person cancelled at the provider. */
  | 'access_denied'
  /** The provider shared no (verified, for GitHub) email address, which a new account needs. */
  | 'email_missing'
  /** The identity belongs to a terminated account (ACC-10). */
  | 'identity_blocked'
  /** Linking: the identity is linked to another account. */
  | 'identity_in_use'
  /** Linking: the session that started it is gone, or is someone else's. */
  | 'not_signed_in'
  /** Linking: the session must have signed in recently. */
  | 'reauthentication_required'
  /** The account may not sign in (suspended, locked, deleted). */
  | 'account_unavailable';

/** A failed SSO round trip (ACC-5), with a message a person can act on. */
export class SsoFailedError extends CharterError {
  readonly reason: SsoFailureReason;
  /** What the round trip was for, when known: a failed link returns to the settings, not the sign-in page. */
  readonly intent: SsoIntent | null;
  constructor(reason: SsoFailureReason, message: string, options: { cause?: unknown; intent?: SsoIntent } = {}) {
    super('invalid_request_error', message, { cause: options.cause });
    this.reason = reason;
    this.intent = options.intent ?? null;
  }
}
