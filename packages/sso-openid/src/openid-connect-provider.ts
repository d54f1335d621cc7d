import type { ProviderIdentity, SsoProvider } from '@charter/core';
import * as client from 'openid-client';
import { callbackUrl, toSsoFailure } from './provider-failure.js';

export interface OpenIdConnectProviderOptions {
  id: string;
  displayName: string;
  /** The issuer; its `/.well-known/openid-configuration` is read on first use (and again after a failure). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Allow `http://` endpoints: only for a provider on this machine in development and tests. */
  allowInsecureHttp: boolean;
  timeoutSeconds?: number;
}

/**
 * Any OpenID Connect provider (Google, Keycloak, Entra ID, Okta …) through `openid-client`: authorization code
 * flow with PKCE (S256), state and nonce; the library checks the ID token's signature, issuer, audience,
 * expiry and nonce. Email claims come from the ID token, or from the UserInfo endpoint when it holds them.
 */
export class OpenIdConnectProvider implements SsoProvider {
  readonly id: string;
  readonly displayName: string;
  readonly issuer: string;
  readonly #options: OpenIdConnectProviderOptions;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(options: OpenIdConnectProviderOptions) {
    this.id = options.id;
    this.displayName = options.displayName;
    this.issuer = options.issuer;
    this.#options = options;
  }

  async authorizationUrl(request: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<string> {
    const configuration = await this.#configure();
    return client.buildAuthorizationUrl(configuration, {
      redirect_uri: request.redirectUri,
      scope: this.#options.scopes.join(' '),
      state: request.state,
      nonce: request.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    }).href;
  }

  async completeAuthorization(response: { redirectUri: string; parameters: URLSearchParams; expectedState: string; expectedNonce: string; codeVerifier: string }): Promise<ProviderIdentity> {
    const configuration = await this.#configure();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl(response.redirectUri, response.parameters), {
        pkceCodeVerifier: response.codeVerifier,
        expectedState: response.expectedState,
        expectedNonce: response.expectedNonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('no ID token');
      let claims: Record<string, unknown> = idToken;
      // Providers that follow the spec strictly put scope claims only in UserInfo when an access token exists.
      if (idToken.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
        claims = { ...(await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), sub: idToken.sub };
      }
      return {
        subject: idToken.sub,
        email: typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim().toLowerCase() : null,
        // Some providers send the boolean as a string.
        isEmailVerified: claims.email_verified === true || claims.email_verified === 'true',
        name: typeof claims.name === 'string' ? claims.name : null,
      };
    } catch (error) {
      throw toSsoFailure(error, this.displayName);
    }
  }

  #configure(): Promise<client.Configuration> {
    const options = this.#options;
    this.#configuration ??= client
      .discovery(
        new URL(options.issuer),
        options.clientId,
        undefined,
        options.tokenEndpointAuthMethod === 'client_secret_post' ? client.ClientSecretPost(options.clientSecret) : client.ClientSecretBasic(options.clientSecret),
        { execute: options.allowInsecureHttp ? [client.allowInsecureRequests] : [], timeout: options.timeoutSeconds ?? 10 },
      )
      .catch((error: unknown) => {
        // Try discovery again next time: the provider may just have been unreachable.
        this.#configuration = undefined;
        throw toSsoFailure(error, options.displayName);
      });
    return this.#configuration;
  }
}
