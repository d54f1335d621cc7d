import type {
  ApiKeyBody,
  ApiKeyListBody,
  CreateApiKeyRequestBody,
  ErrorResponseBody,
  IssuedApiKeyBody,
  ModelListBody,
  RegisterRequestBody,
  SessionStateBody,
  SignInResponseBody,
  UserBody,
  ConversationBody,
  ConversationDetailBody,
  PublicSharedConversationBody,
  CustomerProfileBody,
  RecoveryCodesBody,
  SecondFactorSignInResponseBody,
  SsoIdentityBody,
  SsoPendingRegistrationBody,
  SsoProviderBody,
  SsoRegisterRequestBody,
  TwoFactorSetupBody,
  TwoFactorStatusBody,
  UpdateApiKeyRequestBody,
  UpdateCustomerProfileRequestBody,
} from '@charter/contracts';
import { readConversationStream, type ConversationStreamEvent } from './conversation-stream.js';

/** A shared link as listed to its owner. */
export interface ShareBody {
  object: 'conversation.share';
  id: string;
  conversation_id: string;
  title: string;
  url: string;
  created_at: string;
  revoked_at: string | null;
}
import { CharterApiError } from './charter-api-error.js';
import { streamChatCompletion, type ChatStreamRequest, type ChatStreamEvent } from './chat-stream.js';
import { createOrganizationsApi } from './organizations-api.js';
import { createUsageApi } from './usage-api.js';

export interface CharterClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:8080`; empty for the page's own origin (the web app). */
  baseUrl: string;
  /** API key (`sk-ch-…`); omit to use the browser's session cookie (the web app). */
  apiKey?: string;
  /** Fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
  /** Organisation (`org_…`) a session acts for: sent as `OpenAI-Organization` on every request; null for personal. */
  organization?: string | null;
}

/** A session listed in account settings. */
export interface SessionBody {
  object: 'session';
  id: string;
  is_current: boolean;
  method: string;
  ip_address: string;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/**
 * Typed client for Charter's own API (accounts, keys, models). With an API key it suits programs; without one
 * it uses the session cookie and sends the session's CSRF token with every write, as the web app needs. For
 * chat, completions and embeddings from programs use the official `openai` package (`baseURL: <origin>/v1`).
 */
export class CharterClient {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;
  #csrfToken: string | null = null;
  #organization: string | null = null;

  constructor(options: CharterClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#organization = options.organization ?? null;
  }

  /** The organisation requests act for (the server checks membership and role on each), or null for personal. */
  get organization(): string | null {
    return this.#organization;
  }

  set organization(organizationId: string | null) {
    this.#organization = organizationId;
  }

  /** The CSRF token of the current session (set from sign-in and session answers). */
  get csrfToken(): string | null {
    return this.#csrfToken;
  }

  readonly auth = {
    legalVersions: () => this.#request<{ terms: string; privacy: string }>('GET', '/api/v1/legal/current'),
    register: (body: RegisterRequestBody) => this.#remember(this.#request<SessionStateBody>('POST', '/api/v1/auth/register', body)),
    signIn: (body: { email: string; password: string }) => this.#remember(this.#request<SignInResponseBody>('POST', '/api/v1/auth/sign-in', body)),
    signOut: async () => {
      await this.#request<null>('POST', '/api/v1/auth/sign-out');
      this.#csrfToken = null;
    },
    /** The signed-in person, or a `CharterApiError` with status 401. */
    session: () => this.#remember(this.#request<SessionStateBody>('GET', '/api/v1/auth/session')),
    verifyEmail: (token: string) => this.#request<UserBody>('POST', '/api/v1/auth/verify-email', { token }),
    requestPasswordReset: (email: string) => this.#request<{ message: string }>('POST', '/api/v1/auth/password-reset', { email }),
    confirmPasswordReset: (token: string, password: string) => this.#request<UserBody>('POST', '/api/v1/auth/password-reset/confirm', { token, password }),
    reportCompromiseByLink: (token: string) => this.#request<{ message: string }>('POST', '/api/v1/auth/report-compromise', { token }),
    /** Second step of a sign-in that answered `second_factor_required`: an authenticator or recovery code. */
    signInSecondFactor: (body: { challenge_token: string; code: string }) =>
      this.#remember(this.#request<SecondFactorSignInResponseBody>('POST', '/api/v1/auth/sign-in/second-factor', body)),
  };

  /** Single sign-on (ACC-5): providers, the start of a round trip, registration of a new identity. */
  readonly sso = {
    providers: () => this.#request<{ object: 'list'; data: SsoProviderBody[] }>('GET', '/api/v1/auth/sso/providers'),
    /** Where a browser navigates to go through the provider (a redirect, not an API call). */
    startUrl: (providerId: string, options: { intent: 'sign_in' | 'link'; returnTo?: string }) =>
      `${this.#baseUrl}/api/v1/auth/sso/${encodeURIComponent(providerId)}/start${toQuery({ intent: options.intent, return_to: options.returnTo })}`,
    previewRegistration: (token: string) => this.#request<SsoPendingRegistrationBody>('POST', '/api/v1/auth/sso/register/preview', { token }),
    register: (body: SsoRegisterRequestBody) => this.#remember(this.#request<SessionStateBody>('POST', '/api/v1/auth/sso/register', body)),
    identities: () => this.#request<{ object: 'list'; data: SsoIdentityBody[] }>('GET', '/api/v1/account/sso-identities'),
    unlink: (identityId: string, body: { password?: string | null; code?: string | null }) =>
      this.#request<null>('POST', `/api/v1/account/sso-identities/${encodeURIComponent(identityId)}/unlink`, body),
  };

  /** Two-factor authentication of the signed-in person (ACC-4). */
  readonly twoFactor = {
    status: () => this.#request<TwoFactorStatusBody>('GET', '/api/v1/account/two-factor'),
    /** Asks for the password (an account without one: omit it, within ten minutes of signing in). */
    setup: (body: { password?: string | null }) => this.#request<TwoFactorSetupBody>('POST', '/api/v1/account/two-factor/setup', body),
    /** Confirms setup with a current code; answers the ten recovery codes, once. */
    enable: (code: string) => this.#request<RecoveryCodesBody>('POST', '/api/v1/account/two-factor/enable', { code }),
    regenerateRecoveryCodes: (body: { password?: string | null; code: string }) => this.#request<RecoveryCodesBody>('POST', '/api/v1/account/two-factor/recovery-codes', body),
    disable: (body: { password?: string | null; code?: string | null }) => this.#request<null>('POST', '/api/v1/account/two-factor/disable', body),
  };

  /** The customer profile (ACC-6). */
  readonly profile = {
    retrieve: () => this.#request<CustomerProfileBody>('GET', '/api/v1/account/profile'),
    /** Replaces the whole profile: omitted fields are cleared. */
    update: (body: UpdateCustomerProfileRequestBody) => this.#request<CustomerProfileBody>('PUT', '/api/v1/account/profile', body),
  };

  readonly account = {
    retrieve: () => this.#request<UserBody>('GET', '/api/v1/account'),
    update: (body: { display_name: string }) => this.#request<UserBody>('PATCH', '/api/v1/account', body),
    resendVerification: () => this.#request<{ message: string }>('POST', '/api/v1/account/verify-email/resend'),
    changePassword: (body: { current_password: string; new_password: string }) => this.#request<UserBody>('POST', '/api/v1/account/password', body),
    sessions: () => this.#request<{ data: SessionBody[] }>('GET', '/api/v1/account/sessions'),
    revokeSession: (sessionId: string) => this.#request<null>('POST', `/api/v1/account/sessions/${encodeURIComponent(sessionId)}/revoke`),
    revokeOtherSessions: () => this.#request<{ count: number }>('POST', '/api/v1/account/sessions/revoke-others'),
    reportCompromise: () => this.#request<{ message: string }>('POST', '/api/v1/account/report-compromise'),
    delete: (body: { password?: string | null; code?: string | null }) => this.#request<{ message: string }>('POST', '/api/v1/account/delete', body),
  };

  readonly keys = {
    list: () => this.#request<ApiKeyListBody>('GET', '/api/v1/keys'),
    create: (body: CreateApiKeyRequestBody) => this.#request<IssuedApiKeyBody>('POST', '/api/v1/keys', body),
    retrieve: (keyId: string) => this.#request<ApiKeyBody>('GET', `/api/v1/keys/${encodeURIComponent(keyId)}`),
    /** Rename a key or change its models, endpoints or own rate limits (a field left out stays); the secret stays. */
    update: (keyId: string, body: UpdateApiKeyRequestBody) => this.#request<ApiKeyBody>('PATCH', `/api/v1/keys/${encodeURIComponent(keyId)}`, body),
    revoke: (keyId: string) => this.#request<ApiKeyBody>('POST', `/api/v1/keys/${encodeURIComponent(keyId)}/revoke`),
    rotate: (keyId: string) => this.#request<IssuedApiKeyBody>('POST', `/api/v1/keys/${encodeURIComponent(keyId)}/rotate`),
  };

  readonly models = {
    list: () => this.#request<ModelListBody>('GET', '/v1/models'),
  };

  readonly conversations = {
    list: (options: { limit?: number; after?: string; query?: string } = {}) =>
      this.#request<{ data: ConversationBody[]; has_more: boolean }>('GET', `/api/v1/conversations${toQuery(options)}`),
    create: (body: { title?: string | null; model?: string | null } = {}) => this.#request<ConversationBody>('POST', '/api/v1/conversations', body),
    retrieve: (conversationId: string) => this.#request<ConversationDetailBody>('GET', `/api/v1/conversations/${encodeURIComponent(conversationId)}`),
    rename: (conversationId: string, title: string) => this.#request<ConversationBody>('PATCH', `/api/v1/conversations/${encodeURIComponent(conversationId)}`, { title }),
    delete: (conversationId: string) => this.#request<null>('DELETE', `/api/v1/conversations/${encodeURIComponent(conversationId)}`),
    selectBranch: (conversationId: string, messageId: string) => this.#request<ConversationDetailBody>('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/branch`, { message_id: messageId }),
    /** Ask under `parent_id`; the answer streams. */
    ask: (conversationId: string, body: { content: string; parent_id: string | null; model: string }, signal?: AbortSignal): AsyncGenerator<ConversationStreamEvent> =>
      this.#stream(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body, signal),
    regenerate: (conversationId: string, messageId: string, model: string, signal?: AbortSignal): AsyncGenerator<ConversationStreamEvent> =>
      this.#stream(`/api/v1/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/regenerate`, { model }, signal),
    feedback: (conversationId: string, messageId: string, body: { rating: 'up' | 'down'; comment?: string | null }) =>
      this.#request<{ id: string; rating: 'up' | 'down'; comment: string | null }>('PUT', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/feedback`, body),
    share: (conversationId: string) => this.#request<ShareBody>('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/shares`),
  };

  readonly shares = {
    list: () => this.#request<{ data: ShareBody[] }>('GET', '/api/v1/shares'),
    revoke: (shareId: string) => this.#request<null>('POST', `/api/v1/shares/${encodeURIComponent(shareId)}/revoke`),
    /** A shared conversation, as anyone with the link sees it (no session needed). */
    open: (token: string) => this.#request<PublicSharedConversationBody>('GET', `/api/v1/public/shares/${encodeURIComponent(token)}`),
  };

  readonly chat = {
    /** Stream a chat completion (SSE) as text deltas, then a final event with usage and finish reason. */
    stream: (request: ChatStreamRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> =>
      streamChatCompletion({ url: `${this.#baseUrl}/v1/chat/completions`, headers: this.#headers(true), fetch: this.#fetch, request, signal }),
  };

  async *#stream(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<ConversationStreamEvent> {
    const response = await this.#fetch(`${this.#baseUrl}${path}`, { method: 'POST', headers: this.#headers(true), body: JSON.stringify(body), credentials: 'same-origin', signal });
    yield* readConversationStream(response);
  }
  readonly organizations = createOrganizationsApi((method, path, body) => this.#request(method, path, body));

  readonly usage = createUsageApi((method, path, body) => this.#request(method, path, body), {
    urlOf: (path) => `${this.#baseUrl}${path}`,
    download: (path) => this.#download(path),
  });

  #headers(hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = hasBody ? { 'content-type': 'application/json' } : {};
    if (this.#organization) headers['openai-organization'] = this.#organization;
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    else if (this.#csrfToken) headers['x-csrf-token'] = this.#csrfToken;
    return headers;
  }

  async #remember<T>(pending: Promise<T>): Promise<T> {
    const result = await pending;
    if (result && typeof result === 'object' && 'csrf_token' in result && typeof result.csrf_token === 'string') this.#csrfToken = result.csrf_token;
    return result;
  }

  // A file answer (CSV), fetched with the same headers as JSON calls, so it covers the acting organisation.
  async #download(path: string): Promise<Blob> {
    const response = await this.#fetch(`${this.#baseUrl}${path}`, { method: 'GET', headers: this.#headers(false), credentials: 'same-origin' });
    if (!response.ok) throw new CharterApiError(response.status, (await response.json()) as ErrorResponseBody);
    return response.blob();
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const hasBody = body !== undefined || (method !== 'GET' && method !== 'HEAD');
    const response = await this.#fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: this.#headers(hasBody),
      body: hasBody ? JSON.stringify(body ?? {}) : undefined,
      credentials: 'same-origin',
    });
    if (response.status === 204) return null as T;
    const payload: unknown = await response.json();
    if (!response.ok) throw new CharterApiError(response.status, payload as ErrorResponseBody);
    return payload as T;
  }
}

function toQuery(options: Record<string, string | number | undefined>): string {
  const entries = Object.entries(options).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
}
