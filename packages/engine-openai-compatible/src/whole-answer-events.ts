import type { GenerationEvent } from '@charter/engine-spec';
import type { StreamEventMapper } from './response-mapping.js';
import { SseParser } from './sse-parser.js';
import type { WholeResponse } from './whole-response.js';

/** The events of an answer read whole: one chat.completion object, or an event stream sent although not asked for. */
export function eventsOfWholeAnswer(mapper: StreamEventMapper, response: WholeResponse): Array<GenerationEvent | undefined> {
  const contentType = response.headers['content-type'];
  if (typeof contentType !== 'string' || contentType.includes('json')) return [mapper.mapWholeResponse(response.text)];
  const parser = new SseParser();
  // `push` reuses its result array on the next call: copy the payloads out before `end`.
  const payloads = [...parser.push(Buffer.from(response.text, 'utf8')), ...parser.end()];
  return payloads.map((payload) => mapper.mapData(payload));
}
