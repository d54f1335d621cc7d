import { EngineFailure } from '@charter/engine-spec';
import { describe, expect, it } from 'vitest';
import { failureFromError, failureFromStatus, isRetriedHere, parseRetryAfterMs } from './upstream-errors.js';

describe('upstream errors', () => {
  it('API-7 maps statuses and bodies of the known upstreams to failure kinds', () => {
    const cases: Array<[number, string, EngineFailure['kind'], boolean]> = [
      [503, '', 'unavailable', true],
      [502, '<html>Bad Gateway</html>', 'unavailable', true],
      [429, '{"error":{"message":"Rate limit","type":"rate_limit_error"}}', 'overloaded', true],
      [500, '{"error":{"message":"boom"}}', 'unavailable', false],
      [408, '', 'timeout', false],
      [
        400,
        '{"object":"error","message":"This model\'s maximum context length is 4096 tokens. However, you requested 5000 tokens","type":"BadRequestError","param":null,"code":400}',
        'context_length_exceeded',
        false,
      ],
      [400, '{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}', 'context_length_exceeded', false],
      [400, '{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}', 'context_length_exceeded', false],
      [404, '{"error":"model \\"llama9\\" not found, try pulling it first"}', 'model_not_found', false],
      [404, '{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}', 'model_not_found', false],
      [404, 'Not Found', 'unavailable', false],
      [401, '{"error":{"message":"Incorrect API key"}}', 'unavailable', false],
      [422, '{"detail":[{"loc":["body","temperature"],"msg":"Input should be a valid number"}]}', 'invalid_request', false],
    ];
    for (const [status, body, kind, isRetried] of cases) {
      const failure = failureFromStatus(status, body);
      expect(failure.kind, `${status} ${body}`).toBe(kind);
      expect(failure.upstreamStatus).toBe(status);
      expect(isRetriedHere(failure), `${status} retried here`).toBe(isRetried);
    }
  });

  it('API-7 keeps the upstream message and param of an invalid request', () => {
    const failure = failureFromStatus(
      400,
      '{"error":{"message":"temperature must be at most 2","type":"invalid_request_error","param":"temperature","code":null}}',
    );
    expect(failure).toMatchObject({ kind: 'invalid_request', message: 'temperature must be at most 2', param: 'temperature', isRetryable: false });
    expect(failureFromStatus(422, '{"detail":[{"loc":["body","top_p"],"msg":"bad"}]}')).toMatchObject({ param: 'top_p', message: 'bad' });
  });

  it('API-7 maps socket errors, timeouts and aborts', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(failureFromError(refused, undefined)).toMatchObject({ kind: 'unavailable', isRetryable: true });
    expect(isRetriedHere(failureFromError(refused, undefined))).toBe(true);
    const aggregate = Object.assign(new AggregateError([refused]), { code: undefined });
    expect(failureFromError(aggregate, undefined).kind).toBe('unavailable');
    const headersTimeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(failureFromError(headersTimeout, undefined)).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(isRetriedHere(failureFromError(headersTimeout, undefined))).toBe(false);
    const controller = new AbortController();
    controller.abort();
    expect(failureFromError(refused, controller.signal)).toMatchObject({ kind: 'aborted', isRetryable: false });
    expect(failureFromError(new TypeError('bug'), undefined).kind).toBe('internal');
  });

  it('API-7 reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfterMs(inTenSeconds)).toBeGreaterThan(5_000);
  });
});
