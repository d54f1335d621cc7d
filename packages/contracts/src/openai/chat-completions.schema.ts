import { z } from 'zod';

/** A content part; text models accept text parts only. */
const textContentPart = z.object({ type: z.literal('text'), text: z.string() });

/** Message content: a string or text parts (image and audio parts are rejected with a clear message). */
export const messageContentSchema = z.union([z.string(), z.array(textContentPart).min(1)]);

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** One chat message, discriminated by role (OpenAI wire shape). */
export const chatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: messageContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content: messageContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: messageContentSchema, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: messageContentSchema.nullish(),
    name: z.string().optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    refusal: z.string().nullish(),
  }),
  z.object({ role: z.literal('tool'), content: messageContentSchema, tool_call_id: z.string() }),
]);

const functionNameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'Function names must be 1-64 letters, digits, underscores or dashes.');

/** A function tool offered to the model. */
export const toolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: functionNameSchema,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: functionNameSchema }) }),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const stopSchema = z.union([z.string(), z.array(z.string()).max(4)]).nullish();

export const streamOptionsSchema = z.object({ include_usage: z.boolean().optional() }).nullish();

/** Generation fields chat and legacy completions share, with OpenAI's ranges. */
export const sharedGenerationFields = {
  model: z.string().min(1),
  stream: z.boolean().nullish(),
  stream_options: streamOptionsSchema,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  n: z.literal(1, { message: 'Only n=1 is supported.' }).nullish(),
  stop: stopSchema,
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  user: z.string().max(256).optional(),
};

/** The fields of a response envelope that every completion object and chunk carries. */
export function completionEnvelopeFields<Kind extends string>(object: Kind) {
  return {
    id: z.string(),
    object: z.literal(object),
    created: z.number().int(),
    model: z.string(),
    system_fingerprint: z.string().nullable(),
  };
}

/** `POST /v1/chat/completions` request body. Unknown fields are ignored, as SDKs send extras. */
export const chatCompletionRequestSchema = z.object({
  ...sharedGenerationFields,
  messages: z.array(chatMessageSchema).min(1),
  max_completion_tokens: z.number().int().min(1).nullish(),
  tools: z.array(toolSchema).max(128).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  logprobs: z.literal(false, { message: 'logprobs are not supported.' }).nullish(),
});
export type ChatCompletionRequestBody = z.infer<typeof chatCompletionRequestSchema>;

const usageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

/** `POST /v1/chat/completions` response (non-streaming). */
export const chatCompletionResponseSchema = z.object({
  ...completionEnvelopeFields('chat.completion'),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        tool_calls: z.array(toolCallSchema).optional(),
      }),
      logprobs: z.null(),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
    }),
  ),
  usage: usageSchema,
  /** Charter extension: notices to show with the answer, e.g. that it is not professional advice (AUP-10). */
  notices: z.array(z.object({ type: z.literal('regulated_advice'), message: z.string() })).optional(),
});
export type ChatCompletionResponseBody = z.infer<typeof chatCompletionResponseSchema>;

/** One `chat.completion.chunk` event of a stream. */
export const chatCompletionChunkSchema = z.object({
  ...completionEnvelopeFields('chat.completion.chunk'),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().nullable().optional(),
        tool_calls: z
          .array(
            z.object({
              index: z.number().int(),
              id: z.string().optional(),
              type: z.literal('function').optional(),
              function: z.object({ name: z.string().optional(), arguments: z.string().optional() }),
            }),
          )
          .optional(),
      }),
      logprobs: z.null(),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']).nullable(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
  /** Charter extension, on the first chunk only: see the non-streaming response. */
  notices: z.array(z.object({ type: z.literal('regulated_advice'), message: z.string() })).optional(),
});
export type ChatCompletionChunkBody = z.infer<typeof chatCompletionChunkSchema>;
export { usageSchema };
