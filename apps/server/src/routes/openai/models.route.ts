import { errorResponseSchema, type ModelBody, modelListSchema, modelParamsSchema, modelSchema } from '@charter/contracts';
import type { ModelListing } from '@charter/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';

function toModelBody(model: ModelListing): ModelBody {
  return {
    id: model.name,
    object: 'model',
    created: model.createdAt,
    owned_by: model.ownedBy,
    context_window: model.contextWindow,
    status: model.isAvailable ? 'ready' : 'unavailable',
  };
}

/** `GET /v1/models` and `GET /v1/models/{model}` (API-1), filtered by the key's model scope. */
export function modelsRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/models',
    {
      preHandler: context.authenticate,
      schema: { summary: 'List models', tags: ['OpenAI-compatible'], security: [{ bearerAuth: [] }], response: { 200: modelListSchema, '4xx': errorResponseSchema } },
    },
    async (request) => {
      const data = context.services.inference.listModels(request.principal).map(toModelBody);
      return { object: 'list' as const, data, ...(data.length === 0 && context.noModelMessage ? { message: context.noModelMessage } : {}) };
    },
  );
  typed.get(
    '/v1/models/*',
    {
      preHandler: context.authenticate,
      schema: {
        summary: 'Retrieve a model (names may contain slashes, e.g. Qwen/Qwen3-8B)',
        tags: ['OpenAI-compatible'],
        security: [{ bearerAuth: [] }],
        params: modelParamsSchema,
        response: { 200: modelSchema, '4xx': errorResponseSchema },
      },
    },
    async (request) => toModelBody(context.services.inference.getModel(request.principal, request.params['*'])),
  );
}
