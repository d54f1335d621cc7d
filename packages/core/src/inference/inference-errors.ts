import { EngineFailure } from '@charter/engine-spec';
import { CharterError, EngineError, InvalidRequestError, ModelNotFoundError } from '../errors.js';

/** Why the request's signal was aborted: the server's own deadline, as opposed to the client leaving. */
export class DeadlineExceeded extends Error {
  constructor(timeoutMs: number) {
    super(`The request did not finish within ${timeoutMs} ms.`);
    this.name = 'DeadlineExceeded';
  }
}

/** Why the request's signal was aborted: the server shut down before the request finished (its grace period ended). */
export class ServerShuttingDown extends Error {
  constructor() {
    super('The server is shutting down; send the request again.');
    this.name = 'ServerShuttingDown';
  }
}

/** The client went away; nothing is sent, the usage is recorded as cancelled. */
export class RequestCancelledError extends CharterError {
  constructor() {
    super('engine_error', 'The client closed the request.');
  }
}

/** Translate an engine failure into the domain's error, in the vocabulary of the public model name. */
export function toCharterError(error: unknown, publicModel: string, signal: AbortSignal): CharterError {
  if (signal.aborted) {
    if (signal.reason instanceof DeadlineExceeded) return new EngineError('engine_timeout', signal.reason.message, { cause: error });
    if (signal.reason instanceof ServerShuttingDown) return new EngineError('engine_unavailable', signal.reason.message, { cause: error, isRetryable: true });
    return new RequestCancelledError();
  }
  if (error instanceof CharterError) return error;
  if (!(error instanceof EngineFailure)) return new EngineError('engine_error', 'The engine failed to generate a response.', { cause: error });
  switch (error.kind) {
    case 'overloaded':
      return new EngineError('engine_overloaded', 'The engine is currently overloaded, please try again later.', { cause: error, isRetryable: true });
    case 'timeout':
      return new EngineError('engine_timeout', 'The engine did not answer in time, please try again later.', { cause: error, isRetryable: true });
    case 'context_length_exceeded':
      return new CharterError('context_length_exceeded', error.message, { param: 'messages', cause: error });
    case 'invalid_request':
      return new InvalidRequestError(error.message, error.param);
    case 'model_not_found':
      return new ModelNotFoundError(publicModel);
    case 'aborted':
      return new RequestCancelledError();
    case 'unavailable':
      return new EngineError('engine_unavailable', 'The engine serving this model is unavailable, please try again later.', { cause: error, isRetryable: true });
    default:
      return new EngineError('engine_error', 'The engine failed to generate a response.', { cause: error });
  }
}
