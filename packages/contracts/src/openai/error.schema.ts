import { z } from 'zod';

/** OpenAI's error envelope, used by every route family. */
export const errorResponseSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type ErrorResponseBody = z.infer<typeof errorResponseSchema>;
