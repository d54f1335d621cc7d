import { InvalidRequestError } from '../errors.js';

// Deliberately permissive (RFC 5322 allows far more than any validator checks); the verification mail is the
// real test. What it rules out: spaces, a missing or empty part, and a domain without a dot.
const emailPattern = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/u;

/** Trimmed, lower-cased email (how every email is stored and compared), or `invalid_request_error`. */
export function normalizeEmail(email: string, param = 'email'): string {
  const normalized = email.trim().normalize('NFC').toLowerCase();
  if (normalized.length > 254 || !emailPattern.test(normalized)) {
    throw new InvalidRequestError('Enter a valid email address.', param);
  }
  return normalized;
}
