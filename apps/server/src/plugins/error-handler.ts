import { CharterError, type CharterErrorCode, RateLimitExceededError, TooManyAttemptsError } from '@charter/core';
import type { ErrorResponseBody } from '@charter/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { definedHeaders } from './header-values.js';
import type { ServerMetrics } from './metrics.js';
import { isAppPageRequest } from './web-app.js';

/** How each domain code reaches the client: HTTP status and OpenAI error `type`. */
const statusByCode: Record<CharterErrorCode, { status: number; type: string }> = {
  invalid_request_error: { status: 400, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'invalid_request_error' },
  missing_api_key: { status: 401, type: 'invalid_request_error' },
  permission_denied: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  context_length_exceeded: { status: 400, type: 'invalid_request_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  insufficient_quota: { status: 429, type: 'insufficient_quota' },
  engine_overloaded: { status: 503, type: 'server_error' },
  engine_timeout: { status: 504, type: 'timeout' },
  engine_unavailable: { status: 503, type: 'server_error' },
  engine_error: { status: 500, type: 'server_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  content_policy_violation: { status: 400, type: 'invalid_request_error' },
  service_unavailable: { status: 503, type: 'server_error' },
  invalid_credentials: { status: 401, type: 'invalid_request_error' },
  invalid_session: { status: 401, type: 'invalid_request_error' },
  reauthentication_required: { status: 401, type: 'invalid_request_error' },
  csrf_token_invalid: { status: 403, type: 'permission_error' },
  email_not_verified: { status: 403, type: 'permission_error' },
  account_unavailable: { status: 403, type: 'permission_error' },
  registration_refused: { status: 403, type: 'permission_error' },
  invalid_token: { status: 400, type: 'invalid_request_error' },
  too_many_attempts: { status: 429, type: 'rate_limit_error' },
  unsupported_country_region_territory: { status: 403, type: 'request_forbidden' },
};

/** Codes whose OpenAI error JSON has `code: null` (OpenAI sends no code for these). */
const codesSentAsNull = new Set<CharterErrorCode>(['invalid_request_error', 'missing_api_key', 'permission_denied', 'not_found']);

/** The OpenAI error envelope and status for any error; unknown errors become a generic 500. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorResponseBody; isUnexpected: boolean } {
  if (error instanceof CharterError) {
    const { status, type } = statusByCode[error.code];
    const code = codesSentAsNull.has(error.code) ? null : error.code;
    return { status, body: { error: { message: error.message, type, param: error.param ?? null, code } }, isUnexpected: false };
  }
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const issue = fastifyError.validation[0];
    const where = issue?.instancePath?.replace(/^\//, '').replaceAll('/', '.') ?? '';
    const message = issue ? `Invalid value for '${where || 'body'}': ${issue.message}` : 'Invalid request.';
    return invalid(400, message, where || null, null);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalid(400, 'We could not parse the JSON body of your request. The body must be valid JSON.', null, null);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalid(413, 'The request body is too large.', null, null);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalid(415, 'Unsupported Content-Type: send application/json.', null, null);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalid(400, 'The Content-Length header does not match the body.', null, null);
    default:
      break;
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return invalid(fastifyError.statusCode, fastifyError.message, null, null);
  }
  return { status: 500, body: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }, isUnexpected: true };
}

function invalid(status: number, message: string, param: string | null, code: string | null) {
  return { status, body: { error: { message, type: 'invalid_request_error', param, code } }, isUnexpected: false };
}

/** One error handler for every route family, plus OpenAI-style 404s for unknown URLs. */
export function registerErrorHandler(app: FastifyInstance, metrics: ServerMetrics, appPage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply): void {
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, isUnexpected } = toErrorResponse(error);
    if (isUnexpected) request.log.error({ err: error }, 'unexpected error');
    metrics.observeError(body.error.code ?? body.error.type);
    if (error instanceof RateLimitExceededError) void reply.headers(definedHeaders(error.headers));
    if (error instanceof TooManyAttemptsError) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    if (appPage && isAppPageRequest(request)) return appPage(request, reply);
    return reply.status(404).send({
      error: { message: `Invalid URL (${request.method} ${request.url.split('?')[0]})`, type: 'invalid_request_error', param: null, code: null },
    });
  });
}
