import { z } from 'zod';

/** `POST /v1/moderations` request body (text inputs; image parts are refused with a clear message). */
export const moderationRequestSchema = z.object({
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(256),
    z.array(z.object({ type: z.literal('text'), text: z.string() })).min(1).max(256),
  ]),
  model: z.string().optional(),
});
export type ModerationRequestBody = z.infer<typeof moderationRequestSchema>;

/** OpenAI's moderation categories; Charter adds its own category names beside them. */
export const openAiModerationCategories = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/instructions',
  'self-harm/intent',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;

export const moderationResponseSchema = z.object({
  id: z.string(),
  model: z.string(),
  results: z.array(
    z.object({
      flagged: z.boolean(),
      categories: z.record(z.string(), z.boolean()),
      category_scores: z.record(z.string(), z.number()),
      category_applied_input_types: z.record(z.string(), z.array(z.literal('text'))),
    }),
  ),
});
export type ModerationResponseBody = z.infer<typeof moderationResponseSchema>;
