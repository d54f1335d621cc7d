import type { Generation } from '@charter/core';
import type { GenerationEvent } from '@charter/engine-spec';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from '../../plugins/error-handler.js';
import { definedHeaders } from '../../plugins/header-values.js';
import type { RouteContext } from '../route-context.js';
import { SseWriter } from './sse-writer.js';

/** Serialisers of one stream's events into OpenAI chunk JSON. */
export interface ChunkSerialisers {
  start?: () => string;
  delta: (event: Extract<GenerationEvent, { type: 'delta' }>) => string;
  finish: (event: Extract<GenerationEvent, { type: 'finish' }>) => string[];
}

/**
 * Stream a generation as SSE. Errors before the stream started were already thrown by the service and
 * answered as JSON; an error after the first byte becomes one SSE error event, then the stream closes.
 */
export async function streamEvents(reply: FastifyReply, request: FastifyRequest, context: RouteContext, generation: Generation, serialisers: ChunkSerialisers): Promise<void> {
  reply.hijack();
  const writer = new SseWriter(reply.raw, { 'x-request-id': request.id, ...definedHeaders(generation.rateLimitHeaders) });
  let status = 200;
  try {
    // Nothing was written yet, so nothing can be waited for: the first event never waits.
    if (serialisers.start) void writer.data(serialisers.start());
    for await (const event of generation) {
      if (event.type === 'delta') {
        const drained = writer.data(serialisers.delta(event));
        if (drained) await drained;
        continue;
      }
      // The finish is the last event: the stream ends with it, in the same write as the events before it,
      // while the engine may still be reading what its upstream sent after the answer.
      for (const chunk of serialisers.finish(event)) void writer.data(chunk);
      writer.end(true);
    }
    writer.end(true);
  } catch (error) {
    const { status: errorStatus, body, isUnexpected } = toErrorResponse(error);
    status = errorStatus;
    if (isUnexpected) request.log.error({ err: error }, 'unexpected error during a stream');
    context.metrics.observeError(body.error.code ?? body.error.type);
    await writer.data(JSON.stringify(body));
    writer.end(false);
  } finally {
    context.observeStream(request, status);
  }
}

