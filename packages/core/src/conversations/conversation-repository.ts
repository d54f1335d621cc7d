import type { Conversation, ConversationMessage } from './conversation.js';

/** A conversation as stored: its title sealed by the content cipher. */
export interface StoredConversation extends Omit<Conversation, 'title'> {
  sealedTitle: string;
}

/** A message as stored: its content sealed by the content cipher. */
export interface StoredConversationMessage extends Omit<ConversationMessage, 'content'> {
  sealedContent: string;
}

/** Port: persistence of conversations. Every method takes the owner; nothing reads across users. */
export interface ConversationRepository {
  insert(conversation: StoredConversation): Promise<void>;
  /** The owner's conversations, most recently updated first; `before` pages by `updatedAt`. */
  list(userId: string, options: { limit: number; before?: { updatedAt: Date; id: string } }): Promise<StoredConversation[]>;
  /** Every conversation of the owner (for search), most recent first, at most `limit`. */
  listAll(userId: string, limit: number): Promise<StoredConversation[]>;
  find(userId: string, conversationId: string): Promise<StoredConversation | undefined>;
  rename(userId: string, conversationId: string, sealedTitle: string, at: Date): Promise<boolean>;
  /** Delete a conversation with its messages (and what hangs on them); false when it is not the owner's. */
  delete(userId: string, conversationId: string): Promise<boolean>;
  /** Point the visible thread at a leaf and bump `updatedAt` (and the model, when given). */
  setCurrentLeaf(userId: string, conversationId: string, leafId: string, at: Date, model?: string): Promise<boolean>;
  insertMessage(userId: string, message: StoredConversationMessage): Promise<void>;
  /** Finish a streamed answer: its content, status, finish reason, notices and token counts. */
  completeMessage(
    userId: string,
    messageId: string,
    fields: Pick<StoredConversationMessage, 'sealedContent' | 'status' | 'finishReason' | 'notices' | 'promptTokens' | 'completionTokens'>,
  ): Promise<void>;
  listMessages(userId: string, conversationId: string): Promise<StoredConversationMessage[]>;
  /** Messages of many conversations of the owner (for search). */
  listMessagesOf(userId: string, conversationIds: readonly string[]): Promise<StoredConversationMessage[]>;
}
