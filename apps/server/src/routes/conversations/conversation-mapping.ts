import type { Conversation, ConversationMessage, ConversationShare, ConversationWithMessages, MessageFeedback, PublicSharedConversation } from '@charter/core';
import type { ConversationBody, ConversationDetailBody, ConversationMessageBody, PublicSharedConversationBody } from '@charter/contracts';

export function toConversationBody(conversation: Conversation): ConversationBody {
  return {
    object: 'conversation',
    id: conversation.id,
    title: conversation.title,
    model: conversation.model,
    current_leaf_id: conversation.currentLeafId,
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
  };
}

export function toMessageBody(message: ConversationMessage): ConversationMessageBody {
  return {
    object: 'conversation.message',
    id: message.id,
    parent_id: message.parentId,
    role: message.role,
    content: message.content,
    model: message.model,
    status: message.status,
    finish_reason: message.finishReason,
    notices: message.notices.map((notice) => ({ type: 'regulated_advice', message: notice })),
    ai_generated: message.role === 'assistant',
    created_at: message.createdAt.toISOString(),
  };
}

export function toDetailBody(detail: ConversationWithMessages): ConversationDetailBody {
  return { ...toConversationBody(detail.conversation), messages: detail.messages.map(toMessageBody), current_path: detail.currentPath };
}

export function toShareBody(share: ConversationShare, publicUrl: string) {
  return {
    object: 'conversation.share' as const,
    id: share.id,
    conversation_id: share.conversationId,
    title: share.title,
    url: `${publicUrl.replace(/\/+$/, '')}/share/${share.token}`,
    created_at: share.createdAt.toISOString(),
    revoked_at: share.revokedAt?.toISOString() ?? null,
  };
}

export function toPublicShareBody(shared: PublicSharedConversation): PublicSharedConversationBody {
  return {
    object: 'shared_conversation',
    title: shared.title,
    created_at: shared.createdAt.toISOString(),
    messages: shared.messages.map((message) => ({ role: message.role, content: message.content, model: message.model, ai_generated: message.role === 'assistant', created_at: message.createdAt.toISOString() })),
  };
}

export function toFeedbackBody(feedback: MessageFeedback) {
  return { object: 'feedback' as const, id: feedback.id, message_id: feedback.messageId, rating: feedback.rating, comment: feedback.comment, created_at: feedback.createdAt.toISOString() };
}
