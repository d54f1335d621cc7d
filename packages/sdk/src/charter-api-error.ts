import type { ErrorResponseBody } from '@charter/contracts';

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
