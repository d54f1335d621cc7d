import { randomBytes } from 'node:crypto';
import { errorResponseSchema, moderationRequestSchema, moderationResponseSchema, type ModerationResponseBody, openAiModerationCategories } from '@charter/contracts';
import { canCallEndpoint, moderationCategoryDefinitions, PermissionDeniedError } from '@charter/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContext } from '../route-context.js';

const moderationModel = 'charter-moderation-1';

/**
 * `POST /v1/moderations` (AUP-3) in OpenAI's shape. Our categories are reported under OpenAI's names where
 * they correspond (the highest score of the categories that map there), and under their own names too.
 */
export function moderationsRoute(app: FastifyInstance, context: RouteContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/moderations',
    {
      preHandler: context.authenticate,
      schema: {
        summary: 'Classify text against the usage policy',
        tags: ['OpenAI-compatible'],
        security: [{ bearerAuth: [] }],
        body: moderationRequestSchema,
        response: { 200: moderationResponseSchema, '4xx': errorResponseSchema },
      },
    },
    async (request): Promise<ModerationResponseBody> => {
      if (!canCallEndpoint(request.principal.scopes, 'moderations')) throw new PermissionDeniedError('This API key may not call the moderations endpoint.');
      const input = request.body.input;
      const texts = typeof input === 'string' ? [input] : input.map((item) => (typeof item === 'string' ? item : item.text));
      const results = texts.map((text) => {
        const scores = context.services.moderation.scoreForApi(text);
        const categories: Record<string, boolean> = {};
        const categoryScores: Record<string, number> = {};
        const appliedInputTypes: Record<string, Array<'text'>> = {};
        for (const name of openAiModerationCategories) {
          categories[name] = false;
          categoryScores[name] = 0;
          appliedInputTypes[name] = ['text'];
        }
        for (const [category, { score, isFlagged }] of scores) {
          categories[category] = isFlagged;
          categoryScores[category] = score;
          appliedInputTypes[category] = ['text'];
          for (const name of moderationCategoryDefinitions[category].openAiCategories) {
            categories[name] = (categories[name] ?? false) || isFlagged;
            categoryScores[name] = Math.max(categoryScores[name] ?? 0, score);
          }
        }
        return { flagged: [...scores.values()].some((entry) => entry.isFlagged), categories, category_scores: categoryScores, category_applied_input_types: appliedInputTypes };
      });
      return { id: `modr-${randomBytes(12).toString('base64url')}`, model: moderationModel, results };
    },
  );
}
