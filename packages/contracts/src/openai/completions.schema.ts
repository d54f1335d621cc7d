import { z } from 'zod';
import { stopSchema, streamOptionsSchema, usageSchema } from './chat-completions.schema.js';

/** Legacy `POST /v1/completions` request body. */
export const completionRequestSchema = z.object({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).length(1, { message: 'Only one prompt per request is supported.' })]),
  stream: z.boolean().nullish(),
  stream_options: streamOptionsSchema,
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.literal(1, { message: 'Only n=1 is supported.' }).nullish(),
  stop: stopSchema,
  seed: z.number().int().nullish(),
  echo: z.boolean().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  user: z.string().max(256).optional(),
});
export type CompletionRequestBody = z.infer<typeof completionRequestSchema>;

/** Legacy `text_completion` response; streamed chunks have the same shape. */
export const completionResponseSchema = z.object({
  id: z.string(),
  object: z.literal('text_completion'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.string().nullable(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      text: z.string(),
      logprobs: z.null(),
      finish_reason: z.enum(['stop', 'length', 'content_filter']).nullable(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
});
export type CompletionResponseBody = z.infer<typeof completionResponseSchema>;
