import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A person at the test provider. */
export interface TestOidcAccount {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name?: string;
}

/** A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1, with one confidential client that must use PKCE. */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next interaction signs in, without a human (no login or consent page). */
  signInAs(account: TestOidcAccount): void;
  close(): Promise<void>;
}

/**
 * Start the provider. Its interaction endpoint finishes login and consent programmatically for the account
 * given to `signInAs`; everything else (authorization, token, UserInfo, JWKS, ID-token signing) is the
 * library's own, unchanged.
 */
export async function startTestOidcProvider(options: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'charter-test';
  const clientSecret = options.clientSecret ?? 'charter-test-secret-0123456789abcdef';
  const accounts = new Map<string, TestOidcAccount>();
  let current: TestOidcAccount | undefined;
  let handle: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server = createServer((request, response) => handle?.(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Loaded on demand: every suite imports this package, few need an OpenID provider.
  const { default: Provider } = await import('oidc-provider');
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectUris, response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic' }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_context, interaction) => `/interaction/${interaction.uid}` },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_context, subject) => {
      const account = accounts.get(subject);
      if (!account) return undefined;
      return {
        accountId: subject,
        claims: () => ({ sub: subject, ...(account.email === null ? {} : { email: account.email, email_verified: account.emailVerified }), ...(account.name ? { name: account.name } : {}) }),
      };
    },
  });
  const callback = provider.callback();

  async function interact(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (details.prompt.name === 'login') {
      if (!current) throw new Error('call signInAs() before starting a sign-in');
      await provider.interactionFinished(request, response, { login: { accountId: current.subject } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  handle = (request, response) => {
    if (request.url?.startsWith('/interaction/')) {
      interact(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
      return;
    }
    void callback(request, response);
  };

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(account) {
      accounts.set(account.subject, account);
      current = account;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Follow a provider's redirects as a browser would (with its own, fresh cookie jar) until one points at
 * `stopAt`; return that URL (the app's callback with `code` and `state`).
 */
export async function followRedirects(startUrl: string, stopAt: string, maxHops = 10): Promise<string> {
  const cookies = new Map<string, string>();
  let url = startUrl;
  for (let hop = 0; hop < maxHops; hop += 1) {
    const response = await fetch(url, { redirect: 'manual', headers: cookies.size > 0 ? { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {} });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const separator = pair!.indexOf('=');
      cookies.set(pair!.slice(0, separator).trim(), pair!.slice(separator + 1).trim());
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`${url} answered ${response.status} without a redirect: ${(await response.text()).slice(0, 500)}`);
    const next = new URL(location, url).href;
    if (next.startsWith(stopAt)) return next;
    url = next;
  }
  throw new Error(`no redirect to ${stopAt} within ${maxHops} hops`);
}
