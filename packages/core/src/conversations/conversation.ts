/** Who wrote a message of a conversation. */
export type ConversationRole = 'user' | 'assistant';

/** How an assistant message ended; `streaming` while it is still being written. */
export type ConversationMessageStatus = 'streaming' | 'complete' | 'stopped' | 'filtered' | 'failed';

/** A conversation of one person (CON-1). Content is decrypted; storage holds it sealed (PRV-9). */
export interface Conversation {
  id: string;
  userId: string;
  title: string;
  /** The model of the latest answer, for the picker. */
  model: string | null;
  /** The message the visible thread ends at; null for an empty conversation. */
  currentLeafId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One message. Messages form a tree through `parentId`: editing a question or regenerating an answer adds a
 * sibling, so every earlier version stays reachable (branches), and the thread shown is the path to the leaf.
 */
export interface ConversationMessage {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: ConversationRole;
  content: string;
  model: string | null;
  status: ConversationMessageStatus;
  finishReason: string | null;
  /** Notices shown with an answer (AUP-10). */
  notices: string[];
  promptTokens: number | null;
  completionTokens: number | null;
  createdAt: Date;
}

/** A conversation with its whole message tree and the visible thread. */
export interface ConversationWithMessages {
  conversation: Conversation;
  messages: ConversationMessage[];
  /** Ids from the root to `currentLeafId`. */
  currentPath: string[];
}
