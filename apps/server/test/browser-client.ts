import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { tokenFromEmail, type SmtpSink } from '@charter/testing';

/**
 * A browser for `inject()` tests: keeps cookies like a browser does, and sends the session's CSRF token with
 * writes once it has one (as the web app does). Set `csrfToken` to null to act like a cross-site form.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;
  readonly #app: FastifyInstance;
  readonly #ipAddress: string;
  readonly #userAgent: string;

  constructor(app: FastifyInstance, options: { ipAddress?: string; userAgent?: string } = {}) {
    this.#app = app;
    // A fresh address per browser, so per-IP throttles of one test do not spill into the next.
    this.#ipAddress = options.ipAddress ?? `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    this.#userAgent = options.userAgent ?? 'TestBrowser/1.0';
  }

  async request(options: { method: InjectOptions['method']; url: string; payload?: unknown; headers?: Record<string, string>; withCsrf?: boolean }): Promise<LightMyRequestResponse> {
    const isWrite = options.method !== 'GET' && options.method !== 'HEAD';
    const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (isWrite && (options.withCsrf ?? true) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await this.#app.inject({ method: options.method, url: options.url, payload: options.payload as InjectOptions['payload'], headers, remoteAddress: this.#ipAddress });
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const body = safeJson(response.body);
    if (body && typeof body === 'object' && 'csrf_token' in body && typeof body.csrf_token === 'string') this.csrfToken = body.csrf_token;
    return response;
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }

  post(url: string, payload?: unknown, options: { withCsrf?: boolean } = {}) {
    return this.request({ method: 'POST', url, payload: payload ?? {}, ...options });
  }

  patch(url: string, payload: unknown) {
    return this.request({ method: 'PATCH', url, payload });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

let counter = 0;

/** Fields of a valid registration; override what a test is about. */
export function registration(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    email: `person${counter}-${Date.now()}@example.com`,
    password: 'violet-tundra-pancake-orbit',
    display_name: `Person ${counter}`,
    date_of_birth: '1990-04-12',
    country: 'DE',
    accept_terms_version: '2026-11-01',
    accept_privacy_version: '2026-11-01',
    ...overrides,
  };
}

/** Register, then verify the email from the link the SMTP sink received. Returns the browser, signed in. */
export async function registerVerified(app: FastifyInstance, mail: SmtpSink, overrides: Record<string, unknown> = {}, browser = new TestBrowser(app)) {
  const fields = registration(overrides);
  const registered = await browser.post('/api/v1/auth/register', fields);
  if (registered.statusCode !== 201) throw new Error(`registration failed: ${registered.statusCode} ${registered.body}`);
  const message = await mail.waitFor((candidate) => candidate.to.includes(fields.email.toLowerCase()) && candidate.subject === 'Verify your email address');
  const verified = await browser.post('/api/v1/auth/verify-email', { token: tokenFromEmail(message) });
  if (verified.statusCode !== 200) throw new Error(`verification failed: ${verified.statusCode} ${verified.body}`);
  const user = registered.json<{ user: { id: string } }>().user;
  return { browser, fields, userId: user.id };
}
