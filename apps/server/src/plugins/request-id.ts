import { newTimeOrderedId } from '@charter/core';
import type { IncomingMessage } from 'node:http';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids: a caller-supplied `x-request-id` is kept when it is short and safe (so traces join up across
 * a proxy); otherwise a new one, time-ordered (usage rows are indexed by it). Fastify calls this once per request.
 */
export function generateRequestId(request: IncomingMessage): string {
  const supplied = request.headers['x-request-id'];
  if (typeof supplied === 'string' && acceptableRequestId.test(supplied)) return supplied;
  return newTimeOrderedId('req');
}
