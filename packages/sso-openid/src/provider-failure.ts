import { SsoFailedError } from '@charter/core';
import * as client from 'openid-client';

/** Any failure of the protocol library or the provider → `SsoFailedError`, keeping the cause for the logs. */
export function toSsoFailure(error: unknown, displayName: string): SsoFailedError {
  if (error instanceof SsoFailedError) return error;
  if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
    return new SsoFailedError('access_denied', `Signing in with ${displayName} was cancelled.`, { cause: error });
  }
  return new SsoFailedError('provider_error', `Signing in with ${displayName} did not work. Try again, or use another way to sign in.`, { cause: error });
}

/** The URL the provider redirected to, rebuilt from the registered redirect URI and the received parameters. */
export function callbackUrl(redirectUri: string, parameters: URLSearchParams): URL {
  const url = new URL(redirectUri);
  url.search = parameters.toString();
  return url;
}
