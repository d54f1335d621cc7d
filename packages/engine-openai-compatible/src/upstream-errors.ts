import { EngineFailure } from '@charter/engine-spec';

// Every way an upstream call can go wrong, turned into an EngineFailure so the domain can decide about
// fallbacks without knowing HTTP. Upstreams disagree on their error bodies, so parsing is lenient:
//   OpenAI, SGLang, llama.cpp server: {"error": {"message", "type", "param", "code"}}
//   vLLM:                              {"object": "error", "message", "type", "param", "code": 400}
//                                      (newer versions wrap the same object in "error")
//   Ollama:                            {"error": "model \"x\" not found, try pulling it first"}
//   FastAPI validation (422):          {"detail": "..."} or {"detail": [{"msg", "loc"}]}

/** Statuses worth retrying at once against the same upstream: it said "not now", not "never". */
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

/** Socket-level error codes that mean the upstream could not be reached or dropped the connection. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

const TIMEOUT_ERROR_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

// vLLM: "This model's maximum context length is 4096 tokens. However, you requested ..."
// SGLang: "The input (5000 tokens) is longer than the model's context length (4096 tokens)."
// llama.cpp server: "the request exceeds the available context size" (type exceed_context_size_error)
// OpenAI: code "context_length_exceeded".
const CONTEXT_LENGTH_PATTERN =
  /context[ _-]?(length|window|size)|maximum model length|too many tokens|prompt is too long|exceed_context/i;

const MAX_MESSAGE_LENGTH = 1_000;

/** What an upstream error body says, in whatever shape it came. */
export interface UpstreamErrorDetail {
  message: string | undefined;
  param: string | undefined;
  code: string | undefined;
  type: string | undefined;
}

/** The failure for an HTTP error status, given the (possibly empty or non-JSON) response body. */
export function failureFromStatus(status: number, bodyText: string): EngineFailure {
  return failureFromDetail(status, parseErrorBody(bodyText));
}

/** The failure for an `{"error": …}` object sent inside an event stream, after a 200 status. */
export function failureFromStreamError(error: unknown): EngineFailure {
  const detail = readErrorObject(error);
  // vLLM puts the HTTP-like status in a numeric `code`; anything else is treated as an upstream fault.
  const numericCode = isRecord(error) && typeof error['code'] === 'number' ? error['code'] : undefined;
  return failureFromDetail(numericCode ?? 500, detail);
}

/**
 * The failure for anything thrown while talking to the upstream: socket errors, undici timeouts, aborts.
 * An abort of the caller's signal always wins, whatever error it surfaced as.
 */
export function failureFromError(error: unknown, signal: AbortSignal | undefined): EngineFailure {
  if (signal?.aborted === true) {
    return error instanceof EngineFailure && error.kind === 'aborted' ? error : abortedFailure(error);
  }
  if (error instanceof EngineFailure) return error;
  const code = errorCode(error);
  if (code !== undefined) {
    if (TIMEOUT_ERROR_CODES.has(code)) {
      return new EngineFailure('timeout', `upstream timed out (${code})`, { cause: error });
    }
    if (CONNECTION_ERROR_CODES.has(code) || code.startsWith('HPE_')) {
      return new EngineFailure('unavailable', `upstream unreachable (${code})`, { cause: error });
    }
  }
  if (error instanceof Error && error.name === 'AbortError') return abortedFailure(error);
  const message = error instanceof Error ? error.message : String(error);
  return new EngineFailure('internal', `upstream call failed: ${message}`, { cause: error });
}

/** The failure thrown when the caller's signal aborted the request. */
export function abortedFailure(cause?: unknown): EngineFailure {
  return new EngineFailure('aborted', 'request aborted by the caller', { isRetryable: false, cause });
}

/**
 * Whether a failure is worth an immediate retry against the same upstream. Narrower than `isRetryable`
 * (which also means "another engine may succeed"): timeouts have already spent their time budget, and a
 * 500 or a bad credential will most likely fail the same way again, so only fast, transient failures
 * are retried here and everything else is left to the router's fallback.
 */
export function isRetriedHere(failure: EngineFailure): boolean {
  if (!failure.isRetryable || failure.kind === 'timeout') return false;
  return failure.upstreamStatus === undefined || RETRIED_STATUSES.has(failure.upstreamStatus);
}

/** The `Retry-After` header in milliseconds, when it holds a number of seconds or an HTTP date. */
export function parseRetryAfterMs(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.length === 0) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Parse an upstream error body of any of the known shapes. */
export function parseErrorBody(bodyText: string): UpstreamErrorDetail {
  if (bodyText.length === 0) return { message: undefined, param: undefined, code: undefined, type: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { message: truncate(bodyText.trim()), param: undefined, code: undefined, type: undefined };
  }
  if (isRecord(parsed) && parsed['error'] !== undefined && parsed['error'] !== null) {
    return readErrorObject(parsed['error']);
  }
  return readErrorObject(parsed);
}

function failureFromDetail(status: number, detail: UpstreamErrorDetail): EngineFailure {
  const upstreamMessage = detail.message ?? `upstream answered HTTP ${status}`;
  const options = { upstreamStatus: status, param: detail.param };
  const text = `${detail.code ?? ''} ${detail.type ?? ''} ${upstreamMessage}`;
  if (status === 429) {
    // A hosted API's spent quota is not overload, but another engine may well serve the request.
    if (detail.code === 'insufficient_quota') {
      return new EngineFailure('unavailable', `upstream quota exhausted: ${upstreamMessage}`, options);
    }
    return new EngineFailure('overloaded', `upstream is overloaded: ${upstreamMessage}`, options);
  }
  if (status === 408) return new EngineFailure('timeout', `upstream timed out: ${upstreamMessage}`, options);
  if (status >= 500) {
    return new EngineFailure('unavailable', `upstream failed: ${upstreamMessage}`, options);
  }
  if (CONTEXT_LENGTH_PATTERN.test(text)) {
    return new EngineFailure('context_length_exceeded', upstreamMessage, { ...options, param: detail.param ?? 'messages' });
  }
  if (status === 404) {
    if (detail.code === 'model_not_found' || /model/i.test(upstreamMessage)) {
      return new EngineFailure('model_not_found', upstreamMessage, { ...options, param: detail.param ?? 'model' });
    }
    // A 404 that is not about the model means the route's baseUrl is wrong: the operator's fault, not the
    // client's, and another engine may serve the request.
    return new EngineFailure('unavailable', `upstream endpoint not found: ${upstreamMessage}`, options);
  }
  if (status === 401 || status === 403) {
    // Our credentials for the upstream were refused. Telling the client its request was invalid would be
    // wrong and would leak upstream details; another engine may serve the request.
    return new EngineFailure('unavailable', `upstream refused the credentials (HTTP ${status})`, options);
  }
  return new EngineFailure('invalid_request', upstreamMessage, { ...options, isRetryable: false });
}

function readErrorObject(error: unknown): UpstreamErrorDetail {
  if (typeof error === 'string') return { message: truncate(error), param: undefined, code: undefined, type: undefined };
  if (!isRecord(error)) return { message: undefined, param: undefined, code: undefined, type: undefined };
  let message = typeof error['message'] === 'string' ? error['message'] : undefined;
  const detail = error['detail'];
  if (message === undefined && typeof detail === 'string') message = detail;
  let param = typeof error['param'] === 'string' ? error['param'] : undefined;
  if (message === undefined && Array.isArray(detail) && isRecord(detail[0])) {
    const first = detail[0];
    if (typeof first['msg'] === 'string') message = first['msg'];
    const location = first['loc'];
    if (param === undefined && Array.isArray(location) && location.length > 0) {
      const last = location[location.length - 1];
      if (typeof last === 'string') param = last;
    }
  }
  const rawCode = error['code'];
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const type = typeof error['type'] === 'string' ? error['type'] : undefined;
  return { message: message === undefined ? undefined : truncate(message), param, code, type };
}

function errorCode(error: unknown): string | undefined {
  if (!isRecord(error)) return undefined;
  const code = error['code'];
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect wraps one error per address in an AggregateError.
  const errors = error['errors'];
  if (Array.isArray(errors)) return errorCode(errors[0]);
  const cause = error['cause'];
  return cause === undefined || cause === error ? undefined : errorCode(cause);
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
