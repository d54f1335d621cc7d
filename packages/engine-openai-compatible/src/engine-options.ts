import type { EngineModelInfo } from '@charter/engine-spec';

/** A model served through the upstream. */
export interface OpenAiCompatibleModel {
  /** Engine-local name, the one clients and routes use. */
  name: string;
  /** The name the upstream knows the model by, when it differs from `name`. */
  upstreamModel?: string;
  /** Context window in tokens. */
  contextWindow: number;
  /** Defaults: chat and completion yes, embeddings no. */
  capabilities?: Partial<EngineModelInfo['capabilities']>;
}

/** Active health probing of the upstream. */
export interface OpenAiCompatibleHealthCheck {
  /** Path probed with GET, appended to the base URL's path. Default `/models`. */
  path?: string;
  /** Resolve `path` against the origin instead of the base URL, e.g. vLLM's `/health`. Default false. */
  isOriginPath?: boolean;
  /** Time between probes. Default 10 000 ms. */
  intervalMs?: number;
  /** Time a probe may take for headers and for its body. Default 2 000 ms. */
  timeoutMs?: number;
}

/** Configuration of one OpenAI-compatible upstream. */
export interface OpenAiCompatibleEngineOptions {
  /** Engine id, e.g. the route name. */
  id: string;
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** Extra headers for every upstream request; they override the defaults of the same name. */
  headers?: Record<string, string>;
  models: OpenAiCompatibleModel[];
  /** Time allowed to open a TCP (and TLS) connection. */
  connectTimeoutMs: number;
  /**
   * Time allowed from sending the request to the first body byte: the headers must arrive within it
   * (enforced by undici, whose header timer ticks about every 500 ms), and the first chunk within what is
   * left of it. Servers such as vLLM send headers at once and the first chunk only after prefill, so this
   * is the budget for a long prompt, separate from `idleTimeoutMs`.
   */
  firstByteTimeoutMs: number;
  /** Time allowed between two body chunks once the first one arrived. */
  idleTimeoutMs: number;
  /** Immediate retries of fast, transient failures before anything was streamed. Default 2. */
  maxRetries?: number;
  /** Base of the jittered exponential backoff between retries. Default 200 ms. */
  retryBaseDelayMs?: number;
  /**
   * `upstream`: count tokens with the server's `POST {origin}/tokenize` (vLLM, SGLang).
   * `none`: the count methods return `undefined`.
   */
  tokenizer: 'none' | 'upstream';
  /** Background health probing, or `false` to rely on the outcome of real requests only. */
  healthCheck: OpenAiCompatibleHealthCheck | false;
  /** Requests in flight at most; beyond it calls fail with `overloaded` instead of queueing. */
  maxConcurrent?: number;
}
