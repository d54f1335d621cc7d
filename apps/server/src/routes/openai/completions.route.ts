import { randomUUID } from 'node:crypto';
import { completionRequestSchema, completionResponseSchema, type CompletionResponseBody, errorResponseSchema } from '@charter/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';
import { usageJson } from './chat-completions.route.js';
import { toTextCompletionInput } from './chat-mapping.js';
import { definedHeaders } from '../../plugins/header-values.js';
import { streamEvents } from './stream-events.js';

/** Legacy `POST /v1/completions` (API-1). */
export function completionsRoute(app: FastifyInstance, context: RouteContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/completions',
    {
      preHandler: context.authenticate,
      schema: {
        summary: 'Create a text completion (legacy)',
        tags: ['OpenAI-compatible'],
        security: [{ bearerAuth: [] }],
        body: completionRequestSchema,
        response: { 200: completionResponseSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const input = toTextCompletionInput(body);
      const lifecycle = context.requestSignal(reply);
      const id = `cmpl-${randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      try {
        const generation = await context.services.inference.startTextCompletion(input, { requestId: request.id, principal: request.principal, signal: lifecycle.signal, isStreamed: body.stream === true });
        if (body.stream) {
          const prefix = `{"id":"${id}","object":"text_completion","created":${created},"model":${JSON.stringify(body.model)},"system_fingerprint":null,"choices":[`;
          const usageNull = body.stream_options?.include_usage ? ',"usage":null' : '';
          const choice = (text: string, finish: string | null) => `{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}`;
          await streamEvents(reply, request, context, generation, {
            start: input.echo ? () => `${prefix}${choice(input.prompt, null)}]${usageNull}}` : undefined,
            delta: (event) => `${prefix}${choice(event.text ?? '', null)}]${usageNull}}`,
            finish: (event) => {
              const chunks = [`${prefix}${choice('', event.finishReason)}]${usageNull}}`];
              if (usageNull) chunks.push(`${prefix}],"usage":${usageJson(event.usage.promptTokens, event.usage.completionTokens)}}`);
              return chunks;
            },
          });
          return reply;
        }
        void reply.headers(definedHeaders(generation.rateLimitHeaders));
        let text = input.echo ? input.prompt : '';
        let finishReason: 'stop' | 'length' | 'content_filter' = 'stop';
        let usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
        for await (const event of generation) {
          if (event.type === 'delta') text += event.text ?? '';
          else {
            finishReason = event.finishReason === 'tool_calls' ? 'stop' : event.finishReason;
            usage = { prompt_tokens: event.usage.promptTokens, completion_tokens: event.usage.completionTokens, total_tokens: event.usage.promptTokens + event.usage.completionTokens };
          }
        }
        const response: CompletionResponseBody = {
          id,
          object: 'text_completion',
          created,
          model: body.model,
          system_fingerprint: null,
          choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
          usage,
        };
        return response;
      } finally {
        lifecycle.dispose();
      }
    },
  );
}
