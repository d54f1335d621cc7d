import { z } from 'zod';
import { completionEnvelopeFields, sharedGenerationFields, usageSchema } from './chat-completions.schema.js';

/** Legacy `POST /v1/completions` request body. */
export const completionRequestSchema = z.object({
  ...sharedGenerationFields,
  prompt: z.union([z.string(), z.array(z.string()).length(1, { message: 'Only one prompt per request is supported.' })]),
  echo: z.boolean().nullish(),
});
export type CompletionRequestBody = z.infer<typeof completionRequestSchema>;

/** Legacy `text_completion` response; streamed chunks have the same shape. */
export const completionResponseSchema = z.object({
  ...completionEnvelopeFields('text_completion'),
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
