/**
 * The closed set of error codes the domain raises. One error handler at the HTTP edge maps each code to a
 * status and an OpenAI error `type`; core never knows HTTP. Codes follow OpenAI's where OpenAI has one.
 */
export type CharterErrorCode =
  | 'invalid_request_error'
  | 'invalid_api_key'
  | 'missing_api_key'
  | 'permission_denied'
  | 'not_found'
  | 'model_not_found'
  | 'context_length_exceeded'
  | 'rate_limit_exceeded'
  | 'insufficient_quota'
  | 'engine_overloaded'
  | 'engine_timeout'
  | 'engine_unavailable'
  | 'engine_error'
  | 'conflict'
  | 'content_policy_violation'
  | 'service_unavailable'
  // Accounts and sessions (ACC-*).
  | 'invalid_credentials'
  | 'invalid_session'
  | 'csrf_token_invalid'
  | 'email_not_verified'
  | 'account_unavailable'
  | 'registration_refused'
  | 'invalid_token'
  | 'reauthentication_required'
  | 'too_many_attempts'
  // Eligibility (ACC-2): OpenAI's code for a country, region or territory it does not serve.
  | 'unsupported_country_region_territory';

/** Base class of every error the domain raises on purpose. */
export class CharterError extends Error {
  readonly code: CharterErrorCode;
  /** The request parameter at fault, when there is one (OpenAI `param`). */
  readonly param?: string;
  /** True when the same request may succeed later. */
  readonly isRetryable: boolean;

  constructor(code: CharterErrorCode, message: string, options: { param?: string; cause?: unknown; isRetryable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.param = options.param;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** The request is malformed or asks for something impossible. */
export class InvalidRequestError extends CharterError {
  constructor(message: string, param?: string) {
    super('invalid_request_error', message, { param });
  }
}

/** No credentials, or credentials that do not identify an active key or session. */
export class AuthenticationError extends CharterError {
  constructor(code: 'invalid_api_key' | 'missing_api_key' | 'invalid_session' | 'invalid_credentials' | 'reauthentication_required', message: string) {
    super(code, message);
  }
}

/** The caller is authenticated but may not do this. */
export class PermissionDeniedError extends CharterError {
  constructor(message: string) {
    super('permission_denied', message);
  }
}

/** The object does not exist or does not belong to the caller (the two are indistinguishable on purpose). */
export class NotFoundError extends CharterError {
  constructor(what: string, param?: string) {
    super('not_found', `${what} not found.`, { param });
  }
}

/** The requested public model name is not served here. */
export class ModelNotFoundError extends CharterError {
  constructor(model: string) {
    super('model_not_found', `The model \`${model}\` does not exist or you do not have access to it.`, { param: 'model' });
  }
}

/** The prompt plus the requested completion does not fit the model's context window. */
export class ContextLengthExceededError extends CharterError {
  readonly promptTokens: number;
  readonly contextWindow: number;
  constructor(details: { contextWindow: number; promptTokens: number; requestedCompletionTokens: number }) {
    const total = details.promptTokens + details.requestedCompletionTokens;
    super(
      'context_length_exceeded',
      `This model's maximum context length is ${details.contextWindow} tokens. However, you requested ${total} tokens ` +
        `(${details.promptTokens} in the messages, ${details.requestedCompletionTokens} in the completion). ` +
        'Please reduce the length of the messages or completion.',
      { param: 'messages' },
    );
    this.promptTokens = details.promptTokens;
    this.contextWindow = details.contextWindow;
  }
}

/** Failures of the inference layer, after routing and fallback were exhausted. */
export class EngineError extends CharterError {
  constructor(
    code: 'engine_overloaded' | 'engine_timeout' | 'engine_unavailable' | 'engine_error',
    message: string,
    options: { cause?: unknown; isRetryable?: boolean } = {},
  ) {
    super(code, message, options);
  }
}

/** Too many attempts at a guessable secret (a password, a code); `retryAfterSeconds` says when to try again. */
export class TooManyAttemptsError extends CharterError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('too_many_attempts', `Too many attempts. Try again in ${formatWait(retryAfterSeconds)}.`, { isRetryable: true });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
