import { InvalidRequestError } from '../errors.js';

/** What a password is checked against besides itself: words an attacker would try first. */
export interface PasswordContext {
  email: string | null;
  displayName: string | null;
}

/** Port: strength rules beyond length (common-password lists, guessability estimates). */
export interface PasswordStrengthRules {
  /** A reason the password is too weak, in words for the person choosing it; null when it is acceptable. */
  weakness(password: string, context: PasswordContext): string | null;
}

/** NIST SP 800-63B: at least 8; we ask 10. The upper bound keeps hashing cost bounded. */
export const minimumPasswordLength = 10;
export const maximumPasswordLength = 256;

/** Throws `invalid_request_error` (param `password`) unless the password meets the length and strength rules. */
export function assertPasswordAcceptable(password: string, context: PasswordContext, rules: PasswordStrengthRules, param = 'password'): void {
  const length = [...password].length;
  if (length < minimumPasswordLength) throw new InvalidRequestError(`Use at least ${minimumPasswordLength} characters for your password.`, param);
  if (length > maximumPasswordLength) throw new InvalidRequestError(`Use at most ${maximumPasswordLength} characters for your password.`, param);
  const weakness = rules.weakness(password, context);
  if (weakness) throw new InvalidRequestError(weakness, param);
}
