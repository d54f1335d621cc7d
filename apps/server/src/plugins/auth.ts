import {
  type AccountAccess,
  type ApiKeyService,
  AuthenticationError,
  CharterError,
  isCsrfTokenValid,
  type Principal,
  type Session,
  type SessionService,
  sessionScopes,
} from '@charter/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CharterConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** The browser session, when the request authenticated with the session cookie. */
    session: Session | undefined;
    /** The raw session token of a cookie-authenticated request (for the CSRF token). */
    sessionToken: string | undefined;
  }
}

export const sessionCookieName = 'charter_session';
/** With TLS the `__Host-` prefix pins the cookie to this host, path `/`, Secure, no Domain. */
export const secureSessionCookieName = '__Host-charter_session';
export const deviceCookieName = 'charter_device';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether cookies of this request must be Secure (ACC-3: Secure when served over TLS). */
export function isSecureRequest(request: FastifyRequest, mode: CharterConfig['accounts']['cookieSecure']): boolean {
  return mode === 'always' || (mode === 'auto' && request.protocol === 'https');
}

/** The session token from whichever cookie name carries it. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  return request.cookies[secureSessionCookieName] ?? request.cookies[sessionCookieName];
}

/** Set the session cookie: HttpOnly, SameSite=Lax, Secure (with the `__Host-` name) over TLS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date, mode: CharterConfig['accounts']['cookieSecure']): void {
  const isSecure = isSecureRequest(request, mode);
  void reply.setCookie(isSecure ? secureSessionCookieName : sessionCookieName, token, { httpOnly: true, secure: isSecure, sameSite: 'lax', path: '/', expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(sessionCookieName, { path: '/' });
  void reply.clearCookie(secureSessionCookieName, { path: '/', secure: true });
}

/** The long-lived device cookie (ACC-3 throttling, ACC-8 new-device notices). */
export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, deviceToken: string, mode: CharterConfig['accounts']['cookieSecure']): void {
  void reply.setCookie(deviceCookieName, deviceToken, { httpOnly: true, secure: isSecureRequest(request, mode), sameSite: 'lax', path: '/', maxAge: 400 * 24 * 60 * 60 });
}

export interface Authenticators {
  /** An API key (Authorization: Bearer) or the session cookie; sets `request.principal`. */
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** The session cookie only (account pages: API keys cannot manage the account itself). */
  authenticateSession: (request: FastifyRequest) => Promise<void>;
}

/**
 * Resolve a request's credentials to a principal (API-4, ACC-3). API keys work for the API; the session cookie
 * works everywhere a person acts, and every write made with it must carry the session's CSRF token in
 * `x-csrf-token`. Every request also checks the account's state (ACC-10): keys of a restricted account stop,
 * a suspended, locked or deleted account authenticates nothing.
 */
export function createAuthenticators(options: {
  apiKeys: ApiKeyService;
  sessions: SessionService;
  access: AccountAccess;
  /** Decides whether the request acts for an organisation and as whom (ACC-7); may replace `request.principal`. */
  actingFor?: (request: FastifyRequest) => Promise<void>;
}): Authenticators {
  const { apiKeys, sessions, access, actingFor } = options;

  async function withSession(request: FastifyRequest, token: string): Promise<void> {
    const session = await sessions.authenticate(token);
    if (unsafeMethods.has(request.method) && !isCsrfTokenValid(token, headerValue(request.headers['x-csrf-token']))) {
      throw new CharterError('csrf_token_invalid', 'This request is missing a valid CSRF token (x-csrf-token). Reload the page and try again.');
    }
    // The models (`/v1`) need an account in good standing; a restricted one may still manage itself.
    if (request.url.startsWith('/v1/')) await access.assertCanUseService(session.userId);
    else await access.assertCanAuthenticate(session.userId);
    request.session = session;
    request.sessionToken = token;
    request.principal = { userId: session.userId, organizationId: null, apiKeyId: null, sessionId: session.id, scopes: sessionScopes };
  }

  async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (!header) {
      const token = sessionTokenOf(request);
      if (token) {
        await withSession(request, token);
        return actingFor?.(request);
      }
      throw new AuthenticationError(
        'missing_api_key',
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AuthenticationError('invalid_api_key', 'The Authorization header must be "Bearer YOUR_KEY".');
    request.principal = await apiKeys.authenticate(match[1]!);
    // Before the account check: an organisation key may have been handed to another member.
    await actingFor?.(request);
    await access.assertCanUseService(request.principal.userId);
  }

  async function authenticateSession(request: FastifyRequest): Promise<void> {
    const token = sessionTokenOf(request);
    if (!token) throw new AuthenticationError('invalid_session', 'Sign in to continue.');
    await withSession(request, token);
  }

  return { authenticate, authenticateSession };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
