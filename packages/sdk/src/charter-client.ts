import type {
  ApiKeyBody,
  ApiKeyListBody,
  CreateApiKeyRequestBody,
  ErrorResponseBody,
  IssuedApiKeyBody,
  ModelListBody,
} from '@charter/contracts';

/** An error answer from the server, in OpenAI's error shape. */
export class CharterApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  constructor(status: number, body: ErrorResponseBody) {
    super(body.error.message);
    this.name = 'CharterApiError';
    this.status = status;
    this.type = body.error.type;
    this.code = body.error.code;
    this.param = body.error.param;
  }
}

export interface CharterClientOptions {
  /** Server origin, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** API key (`sk-ch-…`). */
  apiKey: string;
  /** Fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
}

/**
 * Typed client for Charter's own API (keys, models). For chat, completions and embeddings use the official
 * `openai` package with `baseURL: <origin>/v1` — the API is compatible.
 */
export class CharterClient {
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;

  constructor(options: CharterClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? fetch;
  }

  readonly keys = {
    list: () => this.#request<ApiKeyListBody>('GET', '/api/v1/keys'),
    create: (body: CreateApiKeyRequestBody) => this.#request<IssuedApiKeyBody>('POST', '/api/v1/keys', body),
    retrieve: (keyId: string) => this.#request<ApiKeyBody>('GET', `/api/v1/keys/${encodeURIComponent(keyId)}`),
    revoke: (keyId: string) => this.#request<ApiKeyBody>('POST', `/api/v1/keys/${encodeURIComponent(keyId)}/revoke`),
    rotate: (keyId: string) => this.#request<IssuedApiKeyBody>('POST', `/api/v1/keys/${encodeURIComponent(keyId)}/rotate`),
  };

  readonly models = {
    list: () => this.#request<ModelListBody>('GET', '/v1/models'),
  };

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.#apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload: unknown = await response.json();
    if (!response.ok) throw new CharterApiError(response.status, payload as ErrorResponseBody);
    return payload as T;
  }
}
