import type { ProviderIdentity } from './sso-identity.js';

/**
 * Port: one configured identity provider (an OpenID Connect provider, or GitHub's OAuth2 dialect). The
 * adapter runs the protocol; the service decides what the identity may do.
 */
export interface SsoProvider {
  /** Configured id, used in URLs (`/api/v1/auth/sso/{id}/start`). */
  readonly id: string;
  /** Name on the sign-in button. */
  readonly displayName: string;
  /** The issuer that, with the subject, names an identity (`https://accounts.google.com`, `https://github.com`). */
  readonly issuer: string;
  /** Where to send the browser: the authorization endpoint with state, nonce (OIDC) and the S256 PKCE challenge. */
  authorizationUrl(request: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<string>;
  /**
   * Check the provider's redirect (state, `iss`, error), exchange the code with the PKCE verifier, verify the ID
   * token (signature, issuer, audience, nonce) and read who signed in. Throws `SsoFailedError` on any failure.
   */
  completeAuthorization(response: { redirectUri: string; parameters: URLSearchParams; expectedState: string; expectedNonce: string; codeVerifier: string }): Promise<ProviderIdentity>;
}
