import { embeddingRequestSchema, embeddingResponseSchema, type EmbeddingResponseBody, errorResponseSchema } from '@charter/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';
import { definedHeaders } from '../../plugins/header-values.js';

/** `POST /v1/embeddings` (API-1), with float or base64 (little-endian float32, as OpenAI) encoding. */
export function embeddingsRoute(app: FastifyInstance, context: RouteContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/embeddings',
    {
      preHandler: context.authenticate,
      schema: {
        summary: 'Create embeddings',
        tags: ['OpenAI-compatible'],
        security: [{ bearerAuth: [] }],
        body: embeddingRequestSchema,
        response: { 200: embeddingResponseSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      },
    },
    async (request, reply): Promise<EmbeddingResponseBody> => {
      const body = request.body;
      const inputs = typeof body.input === 'string' ? [body.input] : body.input;
      const lifecycle = context.requestSignal(reply);
      try {
        const result = await context.services.inference.embed(body.model, inputs, body.dimensions, {
          requestId: request.id,
          principal: request.principal,
          signal: lifecycle.signal,
        });
        void reply.headers(definedHeaders(result.rateLimitHeaders));
        return {
          object: 'list',
          data: result.vectors.map((vector, index) => ({
            object: 'embedding' as const,
            index,
            embedding: body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
          })),
          model: body.model,
          usage: { prompt_tokens: result.usage.promptTokens, total_tokens: result.usage.promptTokens },
        };
      } finally {
        lifecycle.dispose();
      }
    },
  );
}
