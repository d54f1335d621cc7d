import { randomUUID } from 'node:crypto';
import { chatCompletionRequestSchema, chatCompletionResponseSchema, type ChatCompletionResponseBody, errorResponseSchema } from '@charter/contracts';
import type { Generation } from '@charter/core';
import type { FinishReason } from '@charter/engine-spec';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';
import { toChatInput } from './chat-mapping.js';
import { definedHeaders } from '../../plugins/header-values.js';
import { streamEvents } from './stream-events.js';

interface ToolCallAccumulator {
  id: string;
  name: string;
  arguments: string;
}

/** `POST /v1/chat/completions` (API-1): JSON or SSE, tools, response formats. */
export function chatCompletionsRoute(app: FastifyInstance, context: RouteContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/chat/completions',
    {
      preHandler: context.authenticate,
      schema: {
        summary: 'Create a chat completion',
        tags: ['OpenAI-compatible'],
        security: [{ bearerAuth: [] }],
        body: chatCompletionRequestSchema,
        response: { 200: chatCompletionResponseSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const lifecycle = context.requestSignal(reply);
      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      try {
        const generation = await context.services.inference.startChat(toChatInput(body), {
          requestId: request.id,
          principal: request.principal,
          signal: lifecycle.signal,
          isStreamed: body.stream === true,
        });
        if (body.stream) {
          const prefix = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(body.model)},"system_fingerprint":null,"choices":[`;
          const usageNull = body.stream_options?.include_usage ? ',"usage":null' : '';
          const notices = generation.notices.length > 0 ? `,"notices":${JSON.stringify(toNotices(generation.notices))}` : '';
          await streamEvents(reply, request, context, generation, {
            start: () => `${prefix}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${usageNull}${notices}}`,
            delta: (event) => {
              const delta = event.toolCalls
                ? JSON.stringify({ tool_calls: event.toolCalls.map((call) => ({ index: call.index, ...(call.id ? { id: call.id, type: 'function' } : {}), function: { ...(call.name ? { name: call.name } : {}), arguments: call.argumentsJsonDelta ?? '' } })) })
                : `{"content":${JSON.stringify(event.text ?? '')}}`;
              return `${prefix}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":null}]${usageNull}}`;
            },
            finish: (event) => {
              const chunks = [`${prefix}{"index":0,"delta":{},"logprobs":null,"finish_reason":"${event.finishReason}"}]${usageNull}}`];
              if (usageNull) chunks.push(`${prefix}],"usage":${usageJson(event.usage.promptTokens, event.usage.completionTokens)}}`);
              return chunks;
            },
          });
          return reply;
        }
        void reply.headers(definedHeaders(generation.rateLimitHeaders));
        return await collectChat(generation, id, created, body.model);
      } finally {
        lifecycle.dispose();
      }
    },
  );
}

async function collectChat(generation: Generation, id: string, created: number, model: string): Promise<ChatCompletionResponseBody> {
  let text = '';
  const toolCalls: ToolCallAccumulator[] = [];
  let finishReason: FinishReason = 'stop';
  let promptTokens = 0;
  let completionTokens = 0;
  for await (const event of generation) {
    if (event.type === 'delta') {
      if (event.text) text += event.text;
      for (const call of event.toolCalls ?? []) {
        const slot = (toolCalls[call.index] ??= { id: call.id ?? '', name: call.name ?? '', arguments: '' });
        if (call.id) slot.id = call.id;
        if (call.name) slot.name = call.name;
        slot.arguments += call.argumentsJsonDelta ?? '';
      }
    } else {
      finishReason = event.finishReason;
      promptTokens = event.usage.promptTokens;
      completionTokens = event.usage.completionTokens;
    }
  }
  const calls = toolCalls.filter(Boolean);
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls.length > 0 && text === '' ? null : text,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) } : {}),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    ...(generation.notices.length > 0 ? { notices: toNotices(generation.notices) } : {}),
  };
}

function toNotices(messages: readonly string[]) {
  return messages.map((message) => ({ type: 'regulated_advice' as const, message }));
}

export function usageJson(promptTokens: number, completionTokens: number): string {
  return `{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${promptTokens + completionTokens}}`;
}
