import { z } from 'zod';

/** A model as `GET /v1/models` lists it; `context_window` and `status` are Charter extensions. */
export const modelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  context_window: z.number().int(),
  status: z.enum(['ready', 'unavailable']),
});
export type ModelBody = z.infer<typeof modelSchema>;

export const modelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(modelSchema),
  /** Present when no model is configured or loaded, so clients can tell why the list is empty. */
  message: z.string().optional(),
});
export type ModelListBody = z.infer<typeof modelListSchema>;

/** Path parameters of `GET /v1/models/{model}`; the name is the rest of the path, slashes included. */
export const modelParamsSchema = z.object({ '*': z.string().min(1) });
