import { z } from 'zod';

/** `POST /v1/embeddings` request body. Token-array inputs are not accepted: send text. */
export const embeddingRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().max(256).optional(),
});
export type EmbeddingRequestBody = z.infer<typeof embeddingRequestSchema>;

export const embeddingResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.number().int(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});
export type EmbeddingResponseBody = z.infer<typeof embeddingResponseSchema>;
