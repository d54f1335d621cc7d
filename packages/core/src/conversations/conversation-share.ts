/** One message of a shared snapshot: what the page shows, nothing about the owner. */
export interface SharedMessage {
  role: 'user' | 'assistant';
  content: string;
  model: string | null;
  createdAt: Date;
}

/** A read-only public snapshot of a conversation's visible thread (CON-2). */
export interface ConversationShare {
  id: string;
  userId: string;
  conversationId: string;
  title: string;
  messages: SharedMessage[];
  /** The secret part of the public link; shown to the owner, never stored in the clear. */
  token: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What a visitor of a public link sees. */
export interface PublicSharedConversation {
  title: string;
  messages: SharedMessage[];
  createdAt: Date;
}

/** A share as stored: snapshot and token sealed, plus the token's hash for the public lookup. */
export interface StoredConversationShare {
  id: string;
  userId: string;
  conversationId: string;
  tokenHash: string;
  sealedToken: string;
  /** JSON `{ title, messages }`, sealed. */
  sealedSnapshot: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Port: persistence of shares. Owner reads take the owner; the public read takes only the token hash. */
export interface ConversationShareRepository {
  insert(share: StoredConversationShare): Promise<void>;
  listByOwner(userId: string): Promise<StoredConversationShare[]>;
  revoke(userId: string, shareId: string, at: Date): Promise<boolean>;
  /** A live (not revoked) share by token hash. */
  findLiveByTokenHash(tokenHash: string): Promise<StoredConversationShare | undefined>;
}
