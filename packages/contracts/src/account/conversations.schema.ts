import { z } from 'zod';

export const conversationSchema = z.object({
  object: z.literal('conversation'),
  id: z.string(),
  title: z.string(),
  model: z.string().nullable(),
  current_leaf_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConversationBody = z.infer<typeof conversationSchema>;

export const conversationMessageSchema = z.object({
  object: z.literal('conversation.message'),
  id: z.string(),
  parent_id: z.string().nullable(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  model: z.string().nullable(),
  status: z.enum(['streaming', 'complete', 'stopped', 'filtered', 'failed']),
  finish_reason: z.string().nullable(),
  notices: z.array(z.object({ type: z.string(), message: z.string() })),
  /** Every answer is marked as AI-generated (LBL-1). */
  ai_generated: z.boolean(),
  created_at: z.string(),
});
export type ConversationMessageBody = z.infer<typeof conversationMessageSchema>;

export const conversationDetailSchema = conversationSchema.extend({
  /** Every message of the tree: branches are siblings under one parent. */
  messages: z.array(conversationMessageSchema),
  /** Message ids from the first to the current leaf: the thread to show. */
  current_path: z.array(z.string()),
});
export type ConversationDetailBody = z.infer<typeof conversationDetailSchema>;

export const conversationListSchema = z.object({ object: z.literal('list'), data: z.array(conversationSchema), has_more: z.boolean() });
export const conversationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Id of the last conversation of the previous page. */
  after: z.string().max(100).optional(),
  /** Text to find in titles and messages. */
  query: z.string().max(200).optional(),
});
export const createConversationRequestSchema = z.object({ title: z.string().max(200).nullish(), model: z.string().max(200).nullish() });
export const renameConversationRequestSchema = z.object({ title: z.string().min(1).max(200) });
export const conversationParamsSchema = z.object({ conversation_id: z.string().min(1).max(100) });
export const conversationMessageParamsSchema = conversationParamsSchema.extend({ message_id: z.string().min(1).max(100) });

/** Ask under `parent_id` (the current leaf to continue, an earlier answer to branch, null to start over). */
export const askRequestSchema = z.object({
  content: z.string().min(1).max(100_000),
  parent_id: z.string().max(100).nullable(),
  model: z.string().min(1).max(200),
});
export const regenerateRequestSchema = z.object({ model: z.string().min(1).max(200) });
export const selectBranchRequestSchema = z.object({ message_id: z.string().min(1).max(100) });

export const shareSchema = z.object({
  object: z.literal('conversation.share'),
  id: z.string(),
  conversation_id: z.string(),
  title: z.string(),
  /** The public, read-only page (no account needed). */
  url: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export const shareListSchema = z.object({ object: z.literal('list'), data: z.array(shareSchema) });
export const shareParamsSchema = z.object({ share_id: z.string().min(1).max(100) });
export const publicShareParamsSchema = z.object({ token: z.string().min(10).max(200) });
export const publicSharedConversationSchema = z.object({
  object: z.literal('shared_conversation'),
  title: z.string(),
  created_at: z.string(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string(), model: z.string().nullable(), ai_generated: z.boolean(), created_at: z.string() })),
});
export type PublicSharedConversationBody = z.infer<typeof publicSharedConversationSchema>;

export const feedbackRequestSchema = z.object({ rating: z.enum(['up', 'down']), comment: z.string().max(4000).nullish() });
export const feedbackSchema = z.object({ object: z.literal('feedback'), id: z.string(), message_id: z.string(), rating: z.enum(['up', 'down']), comment: z.string().nullable(), created_at: z.string() });
