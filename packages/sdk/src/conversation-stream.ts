import type { ConversationMessageBody, ErrorResponseBody } from '@charter/contracts';
import { CharterApiError } from './charter-api-error.js';

/** Events of a conversation reply stream (`POST /api/v1/conversations/{id}/messages`, `…/regenerate`). */
export type ConversationStreamEvent =
  | { type: 'start'; user_message: ConversationMessageBody | null; assistant_message_id: string; notices: Array<{ type: string; message: string }> }
  | { type: 'delta'; text: string }
  | { type: 'done'; message: ConversationMessageBody };

/** Read the server's reply stream; an error before or after the first byte becomes a `CharterApiError`. */
export async function* readConversationStream(response: Response): AsyncGenerator<ConversationStreamEvent> {
  if (!response.ok || !response.body) throw new CharterApiError(response.status, (await response.json()) as ErrorResponseBody);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (let boundary = buffer.indexOf('\n\n'); boundary !== -1; boundary = buffer.indexOf('\n\n')) {
      const data = buffer.slice(0, boundary).replace(/^data: ?/gm, '');
      buffer = buffer.slice(boundary + 2);
      if (data === '' || data === '[DONE]') continue;
      const event = JSON.parse(data) as ConversationStreamEvent | ({ type: 'error' } & ErrorResponseBody);
      if (event.type === 'error') throw new CharterApiError(500, { error: event.error });
      yield event;
    }
  }
}
