/** Codes the server puts in `#sso_error=…` after a failed round trip through a provider (ACC-5). */
export const ssoErrorCodes = [
  'invalid_state',
  'provider_error',
  'access_denied',
  'email_missing',
  'email_in_use',
  'identity_blocked',
  'identity_in_use',
  'not_signed_in',
  'reauthentication_required',
  'account_unavailable',
] as const;
export type SsoErrorCode = (typeof ssoErrorCodes)[number];

/** What a page learns from the fragment the server redirected to. */
export interface SsoFragment {
  /** The translation key of the failure's message, or null when nothing failed. */
  errorKey: string | null;
  /** The provider a message is about (`email_in_use`), or the one just linked (`sso_linked`). */
  provider: string | null;
  linkedProvider: string | null;
}

/**
 * Read `#sso_error=…&provider=…` or `#sso_linked=…`. Only codes travel in the URL, never text (a message
 * there could be forged into a phishing text), so an unknown code gets the generic message, never its own words.
 */
export function readSsoFragment(hash: string): SsoFragment {
  const parameters = new URLSearchParams(hash.replace(/^#/, ''));
  const error = parameters.get('sso_error');
  const errorKey = error === null ? null : (ssoErrorCodes as readonly string[]).includes(error) ? `ssoErrors.${error}` : 'ssoErrors.unknown';
  return { errorKey, provider: parameters.get('provider'), linkedProvider: parameters.get('sso_linked') };
}
