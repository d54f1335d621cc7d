import {
  askRequestSchema,
  conversationDetailSchema,
  conversationListQuerySchema,
  conversationListSchema,
  conversationMessageParamsSchema,
  conversationParamsSchema,
  conversationSchema,
  createConversationRequestSchema,
  errorResponseSchema,
  feedbackRequestSchema,
  feedbackSchema,
  noContentSchema,
  publicShareParamsSchema,
  publicSharedConversationSchema,
  regenerateRequestSchema,
  renameConversationRequestSchema,
  selectBranchRequestSchema,
  shareListSchema,
  shareParamsSchema,
  shareSchema,
} from '@charter/contracts';
import type { ConversationReplyEvent } from '@charter/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toErrorResponse } from '../../plugins/error-handler.js';
import { SseWriter } from '../openai/sse-writer.js';
import type { RouteContext } from '../route-context.js';
import { toConversationBody, toDetailBody, toFeedbackBody, toMessageBody, toPublicShareBody, toShareBody } from './conversation-mapping.js';

/**
 * The chat app's conversations (CON-1), shares (CON-2) and feedback (CON-3), with the session cookie: chat from
 * the app is authorised by the session and counted against the person's plan like any API request.
 */
export function conversationsRoute(app: FastifyInstance, context: RouteContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { conversations, conversationShares, messageFeedback } = context.services;
  const preHandler = context.authenticateSession;
  const common = { tags: ['Conversations'] };
  const userId = (request: FastifyRequest) => request.principal.userId;

  typed.get('/api/v1/conversations', { preHandler, schema: { ...common, summary: 'My conversations, newest first; `query` searches titles and messages', querystring: conversationListQuerySchema, response: { 200: conversationListSchema, '4xx': errorResponseSchema } } }, async (request) => {
    const { limit, after, query } = request.query;
    const cursor = after ? (await conversations.get(userId(request), after)).conversation : undefined;
    const page = await conversations.list(userId(request), { limit: limit + 1, before: cursor && { updatedAt: cursor.updatedAt, id: cursor.id }, query });
    return { object: 'list' as const, data: page.slice(0, limit).map(toConversationBody), has_more: page.length > limit };
  });

  typed.post('/api/v1/conversations', { preHandler, schema: { ...common, summary: 'Start a conversation', body: createConversationRequestSchema, response: { 201: conversationSchema, '4xx': errorResponseSchema } } }, async (request, reply) =>
    reply.status(201).send(toConversationBody(await conversations.create(userId(request), { title: request.body.title, model: request.body.model }))),
  );

  typed.get('/api/v1/conversations/:conversation_id', { preHandler, schema: { ...common, summary: 'A conversation with its messages', params: conversationParamsSchema, response: { 200: conversationDetailSchema, '4xx': errorResponseSchema } } }, async (request) =>
    toDetailBody(await conversations.get(userId(request), request.params.conversation_id)),
  );

  typed.patch('/api/v1/conversations/:conversation_id', { preHandler, schema: { ...common, summary: 'Rename a conversation', params: conversationParamsSchema, body: renameConversationRequestSchema, response: { 200: conversationSchema, '4xx': errorResponseSchema } } }, async (request) =>
    toConversationBody(await conversations.rename(userId(request), request.params.conversation_id, request.body.title)),
  );

  typed.delete('/api/v1/conversations/:conversation_id', { preHandler, schema: { ...common, summary: 'Delete a conversation (its shares and feedback go with it)', params: conversationParamsSchema, response: { 204: noContentSchema, '4xx': errorResponseSchema } } }, async (request, reply) => {
    await conversations.delete(userId(request), request.params.conversation_id);
    return reply.status(204).send(null);
  });

  typed.post('/api/v1/conversations/:conversation_id/branch', { preHandler, schema: { ...common, summary: 'Show another branch (an earlier version of a question or answer)', params: conversationParamsSchema, body: selectBranchRequestSchema, response: { 200: conversationDetailSchema, '4xx': errorResponseSchema } } }, async (request) =>
    toDetailBody(await conversations.selectBranch(userId(request), request.params.conversation_id, request.body.message_id)),
  );

  typed.post('/api/v1/conversations/:conversation_id/messages', { preHandler, schema: { ...common, summary: 'Ask (or edit a question by asking under its parent); the answer streams as SSE', params: conversationParamsSchema, body: askRequestSchema } }, async (request, reply) => {
    const lifecycle = context.requestSignal(reply);
    try {
      const events = await conversations.ask(userId(request), request.params.conversation_id, { parentId: request.body.parent_id, content: request.body.content, model: request.body.model }, { requestId: request.id, principal: request.principal, signal: lifecycle.signal });
      await streamReply(reply, request, context, events);
      return reply;
    } finally {
      lifecycle.dispose();
    }
  });

  typed.post('/api/v1/conversations/:conversation_id/messages/:message_id/regenerate', { preHandler, schema: { ...common, summary: 'Answer a question again (a new branch); streams as SSE', params: conversationMessageParamsSchema, body: regenerateRequestSchema } }, async (request, reply) => {
    const lifecycle = context.requestSignal(reply);
    try {
      const events = await conversations.regenerate(userId(request), request.params.conversation_id, { messageId: request.params.message_id, model: request.body.model }, { requestId: request.id, principal: request.principal, signal: lifecycle.signal });
      await streamReply(reply, request, context, events);
      return reply;
    } finally {
      lifecycle.dispose();
    }
  });

  typed.put('/api/v1/conversations/:conversation_id/messages/:message_id/feedback', { preHandler, schema: { ...common, summary: 'Thumbs up or down on an answer, with an optional comment', params: conversationMessageParamsSchema, body: feedbackRequestSchema, response: { 200: feedbackSchema, '4xx': errorResponseSchema } } }, async (request) =>
    toFeedbackBody(await messageFeedback.submit(userId(request), request.params.conversation_id, request.params.message_id, { rating: request.body.rating, comment: request.body.comment })),
  );

  typed.post('/api/v1/conversations/:conversation_id/shares', { preHandler, schema: { ...common, summary: 'Create a public read-only link to a snapshot of the conversation', params: conversationParamsSchema, response: { 201: shareSchema, '4xx': errorResponseSchema } } }, async (request, reply) =>
    reply.status(201).send(toShareBody(await conversationShares.create(userId(request), request.params.conversation_id), context.publicUrl())),
  );

  typed.get('/api/v1/shares', { preHandler, schema: { ...common, summary: 'My shared links', response: { 200: shareListSchema, '4xx': errorResponseSchema } } }, async (request) => ({
    object: 'list' as const,
    data: (await conversationShares.list(userId(request))).map((share) => toShareBody(share, context.publicUrl())),
  }));

  typed.post('/api/v1/shares/:share_id/revoke', { preHandler, schema: { ...common, summary: 'Revoke a shared link (it stops working at once)', params: shareParamsSchema, response: { 204: noContentSchema, '4xx': errorResponseSchema } } }, async (request, reply) => {
    await conversationShares.revoke(userId(request), request.params.share_id);
    return reply.status(204).send(null);
  });

  typed.get('/api/v1/public/shares/:token', { schema: { ...common, summary: 'A shared conversation (no account needed; nothing of the owner is shown)', params: publicShareParamsSchema, response: { 200: publicSharedConversationSchema, '4xx': errorResponseSchema } } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    return toPublicShareBody(await conversationShares.open(request.params.token));
  });
}

/** One SSE event per reply event; an error after the first byte is one error event, then the stream closes. */
async function streamReply(reply: FastifyReply, request: FastifyRequest, context: RouteContext, events: AsyncIterable<ConversationReplyEvent>): Promise<void> {
  reply.hijack();
  const writer = new SseWriter(reply.raw, { 'x-request-id': request.id });
  let status = 200;
  try {
    for await (const event of events) {
      if (event.type === 'start') {
        await writer.data(JSON.stringify({ type: 'start', user_message: event.userMessage && toMessageBody(event.userMessage), assistant_message_id: event.assistantMessageId, notices: event.notices.map((message) => ({ type: 'regulated_advice', message })) }));
      } else if (event.type === 'delta') {
        await writer.data(JSON.stringify({ type: 'delta', text: event.text }));
      } else {
        await writer.data(JSON.stringify({ type: 'done', message: toMessageBody(event.message) }));
      }
    }
    writer.end(true);
  } catch (error) {
    const { status: errorStatus, body, isUnexpected } = toErrorResponse(error);
    status = errorStatus;
    if (isUnexpected) request.log.error({ err: error }, 'unexpected error during a conversation stream');
    await writer.data(JSON.stringify({ type: 'error', ...body }));
    writer.end(false);
  } finally {
    context.observeStream(request, status);
  }
}
