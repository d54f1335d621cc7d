import type { SsoIntent } from './sso-identity.js';

/**
 * A started authorization (ACC-5), kept server-side until the provider redirects back: looked up by the hash
 * of `state`, and only by the browser that holds the binding cookie, so a callback URL cannot be replayed or
 * planted in someone else's browser (login CSRF).
 */
export interface SsoAuthorizationRequest {
  id: string;
  /** Hex SHA-256 of the `state` sent to the provider. */
  stateHash: string;
  /** Hex SHA-256 of the binding secret in the starting browser's HttpOnly cookie. */
  bindingHash: string;
  providerId: string;
  intent: SsoIntent;
  /** A local path to go to afterwards. */
  returnTo: string;
  /** The signed-in user who asked to link (intent `link`); null for sign-in. */
  userId: string | null;
  /** OIDC nonce, checked against the ID token. */
  nonce: string;
  /** PKCE code verifier (S256); only its challenge went to the provider. */
  codeVerifier: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Port: persistence of started authorizations. */
export interface SsoAuthorizationRequestRepository {
  /** Store a request (and drop requests that expired before `request.createdAt`). */
  insert(request: SsoAuthorizationRequest): Promise<void>;
  /**
   * Use the request with this state and binding once, atomically: at most one caller ever gets it, and only
   * before it expires. `undefined` for unknown, used, expired or differently bound requests.
   */
  consume(stateHash: string, bindingHash: string, now: Date): Promise<SsoAuthorizationRequest | undefined>;
}
