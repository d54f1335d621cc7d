import type { ProviderIdentity, SsoProvider } from '@charter/core';
import * as client from 'openid-client';
import { callbackUrl, toSsoFailure } from './provider-failure.js';

export interface GitHubProviderOptions {
  id: string;
  displayName: string;
  /** Names GitHub identities (`https://github.com`; a GitHub Enterprise host for GHE). */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** REST API base (`https://api.github.com`). */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  /** Allow `http://` endpoints: only for a stand-in on this machine in tests. */
  allowInsecureHttp: boolean;
  timeoutMs?: number;
}

interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's OAuth2 dialect (it has no OpenID Connect): the authorization code flow with state and PKCE (S256)
 * through `openid-client`, then `/user` for the stable numeric id and `/user/emails` for the primary address,
 * used only when GitHub has verified it.
 */
export class GitHubProvider implements SsoProvider {
  readonly id: string;
  readonly displayName: string;
  readonly issuer: string;
  readonly #options: GitHubProviderOptions;
  readonly #configuration: client.Configuration;

  constructor(options: GitHubProviderOptions) {
    this.id = options.id;
    this.displayName = options.displayName;
    this.issuer = options.issuer;
    this.#options = options;
    this.#configuration = new client.Configuration(
      { issuer: options.issuer, authorization_endpoint: options.authorizationEndpoint, token_endpoint: options.tokenEndpoint },
      options.clientId,
      undefined,
      // GitHub reads the client credentials from the form body.
      client.ClientSecretPost(options.clientSecret),
    );
    if (options.allowInsecureHttp) client.allowInsecureRequests(this.#configuration);
  }

  async authorizationUrl(request: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<string> {
    return client.buildAuthorizationUrl(this.#configuration, {
      redirect_uri: request.redirectUri,
      scope: this.#options.scopes.join(' '),
      state: request.state,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    }).href;
  }

  async completeAuthorization(response: { redirectUri: string; parameters: URLSearchParams; expectedState: string; codeVerifier: string }): Promise<ProviderIdentity> {
    try {
      const tokens = await client.authorizationCodeGrant(this.#configuration, callbackUrl(response.redirectUri, response.parameters), {
        pkceCodeVerifier: response.codeVerifier,
        expectedState: response.expectedState,
        idTokenExpected: false,
      });
      const user = await this.#api<GitHubUser>('/user', tokens.access_token);
      if (typeof user.id !== 'number') throw new Error('GitHub /user has no numeric id');
      const emails = await this.#api<GitHubEmail[]>('/user/emails', tokens.access_token);
      const primary = Array.isArray(emails) ? emails.find((email) => email.primary && email.verified) : undefined;
      return {
        // The numeric id is permanent; the login can be renamed and reused by someone else.
        subject: String(user.id),
        email: primary ? primary.email.trim().toLowerCase() : null,
        isEmailVerified: primary !== undefined,
        name: user.name || user.login || null,
      };
    } catch (error) {
      throw toSsoFailure(error, this.displayName);
    }
  }

  async #api<T>(path: string, accessToken: string): Promise<T> {
    const response = await fetch(`${this.#options.apiUrl.replace(/\/+$/, '')}${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'Charter' },
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new Error(`GitHub answered ${response.status} on ${path}`);
    return (await response.json()) as T;
  }
}
