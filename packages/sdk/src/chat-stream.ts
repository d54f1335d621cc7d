import type { ErrorResponseBody } from '@charter/contracts';
import { CharterApiError } from './charter-api-error.js';

/** What the web app sends: OpenAI's chat request, always streamed. */
export interface ChatStreamRequest {
  model: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  max_tokens?: number;
  temperature?: number;
}

/** One step of a streamed answer. */
export type ChatStreamEvent =
  | { type: 'delta'; content: string }
  | { type: 'done'; finishReason: string | null; usage: { prompt_tokens: number; completion_tokens: number } | null; notices: unknown[] };

/**
 * Read an OpenAI-style SSE stream (`data: {...}` lines, `data: [DONE]`). Text deltas are yielded as they come;
 * an `error` event after the first byte becomes a thrown `CharterApiError`.
 */
export async function* streamChatCompletion(options: {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  request: ChatStreamRequest;
  signal?: AbortSignal;
}): AsyncGenerator<ChatStreamEvent> {
  const response = await options.fetch(options.url, {
    method: 'POST',
    headers: options.headers,
    body: JSON.stringify({ ...options.request, stream: true, stream_options: { include_usage: true } }),
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (!response.ok || !response.body) throw new CharterApiError(response.status, (await response.json()) as ErrorResponseBody);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let finishReason: string | null = null;
  let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
  let notices: unknown[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data === '' || data === '[DONE]') continue;
      const chunk = JSON.parse(data) as {
        error?: ErrorResponseBody['error'];
        choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
        usage?: { prompt_tokens: number; completion_tokens: number } | null;
        notices?: unknown[];
      };
      if (chunk.error) throw new CharterApiError(500, { error: chunk.error });
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) yield { type: 'delta', content: choice.delta.content };
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
      if (chunk.notices) notices = chunk.notices;
    }
  }
  yield { type: 'done', finishReason, usage, notices };
}
