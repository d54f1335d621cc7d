import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A GitHub user as the stand-in serves it. */
export interface FakeGitHubUser {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

/**
 * A stand-in for GitHub's OAuth2 web flow and the two REST endpoints sign-in needs (`/user`, `/user/emails`),
 * on 127.0.0.1. It checks what GitHub checks: client credentials, redirect URI, single-use codes, and the
 * PKCE verifier against the S256 challenge.
 */
export interface FakeGitHub {
  url: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  signInAs(user: FakeGitHubUser): void;
  /** Token requests received, for assertions. */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

interface IssuedCode {
  user: FakeGitHubUser;
  redirectUri: string;
  codeChallenge: string;
}

export async function startFakeGitHub(options: { clientId?: string; clientSecret?: string } = {}): Promise<FakeGitHub> {
  const clientId = options.clientId ?? 'Iv1.fakegithubclient';
  const clientSecret = options.clientSecret ?? 'fake-github-secret-0123456789';
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, FakeGitHubUser>();
  const tokenRequests: URLSearchParams[] = [];
  let current: FakeGitHubUser | undefined;

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const userOf = (request: IncomingMessage) => {
    const match = /^(?:Bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    return match ? tokens.get(match[1]!) : undefined;
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://github.invalid');
      if (request.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const redirectUri = url.searchParams.get('redirect_uri');
        const challenge = url.searchParams.get('code_challenge');
        if (url.searchParams.get('client_id') !== clientId || !redirectUri || !current) return json(response, 400, { error: 'bad_request' });
        if (!challenge || url.searchParams.get('code_challenge_method') !== 'S256') return json(response, 400, { error: 'pkce_required' });
        const code = randomBytes(10).toString('hex');
        codes.set(code, { user: current, redirectUri, codeChallenge: challenge });
        const target = new URL(redirectUri);
        target.searchParams.set('code', code);
        const state = url.searchParams.get('state');
        if (state) target.searchParams.set('state', state);
        response.writeHead(302, { location: target.href });
        return response.end();
      }
      if (request.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(await readBody(request));
        tokenRequests.push(form);
        const code = form.get('code') ?? '';
        const issued = codes.get(code);
        codes.delete(code);
        // GitHub reports token errors with 200 and an `error` member.
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return json(response, 200, { error: 'incorrect_client_credentials' });
        if (!issued || issued.redirectUri !== form.get('redirect_uri')) return json(response, 200, { error: 'bad_verification_code' });
        const verifierHash = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (verifierHash !== issued.codeChallenge) return json(response, 200, { error: 'bad_verification_code', error_description: 'PKCE verification failed' });
        const accessToken = `gho_${randomBytes(16).toString('hex')}`;
        tokens.set(accessToken, issued.user);
        return json(response, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
      }
      if (request.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) {
        const user = userOf(request);
        if (!user) return json(response, 401, { message: 'Bad credentials' });
        if (url.pathname === '/user') return json(response, 200, { id: user.id, login: user.login, name: user.name, email: null });
        return json(response, 200, user.emails.map((email) => ({ ...email, visibility: email.primary ? 'private' : null })));
      }
      return json(response, 404, { message: 'Not Found' });
    })().catch((error: unknown) => json(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    authorizationEndpoint: `${base}/login/oauth/authorize`,
    tokenEndpoint: `${base}/login/oauth/access_token`,
    apiUrl: base,
    clientId,
    clientSecret,
    tokenRequests,
    signInAs(user) {
      current = user;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
