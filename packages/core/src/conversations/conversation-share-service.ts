import type { ContentCipher } from '../content/content-cipher.js';
import { NotFoundError, InvalidRequestError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { generateOpaqueToken, hashOpaqueToken } from '../sessions/session-token.js';
import type { ConversationShare, ConversationShareRepository, PublicSharedConversation, SharedMessage, StoredConversationShare } from './conversation-share.js';
import type { ConversationService } from './conversation-service.js';

/**
 * Public read-only links to a snapshot of a conversation (CON-2). The snapshot is taken when the link is made,
 * so later messages stay private; revoking ends the link at once; a visitor sees the title and the messages and
 * nothing else of the owner.
 */
export class ConversationShareService {
  readonly #repository: ConversationShareRepository;
  readonly #conversations: ConversationService;
  readonly #cipher: ContentCipher;
  readonly #clock: Clock;

  constructor(options: { repository: ConversationShareRepository; conversations: ConversationService; cipher: ContentCipher; clock: Clock }) {
    this.#repository = options.repository;
    this.#conversations = options.conversations;
    this.#cipher = options.cipher;
    this.#clock = options.clock;
  }

  async create(userId: string, conversationId: string): Promise<ConversationShare> {
    const { conversation, messages, currentPath } = await this.#conversations.get(userId, conversationId);
    const thread: SharedMessage[] = currentPath
      .map((id) => messages.find((message) => message.id === id)!)
      .filter((message) => message.status !== 'streaming' && message.status !== 'failed')
      .map((message) => ({ role: message.role, content: message.content, model: message.model, createdAt: message.createdAt }));
    if (thread.length === 0) throw new InvalidRequestError('There is nothing to share yet: the conversation has no messages.', 'conversation_id');
    const id = newId('share');
    const token = generateOpaqueToken();
    const now = this.#clock();
    const snapshot = JSON.stringify({ title: conversation.title, messages: thread });
    await this.#repository.insert({
      id,
      userId,
      conversationId,
      tokenHash: hashOpaqueToken(token),
      sealedToken: await this.#cipher.encrypt(token, `conversation_shares:${id}:token`),
      sealedSnapshot: await this.#cipher.encrypt(snapshot, `conversation_shares:${id}:snapshot`),
      createdAt: now,
      revokedAt: null,
    });
    return { id, userId, conversationId, title: conversation.title, messages: thread, token, createdAt: now, revokedAt: null };
  }

  async list(userId: string): Promise<ConversationShare[]> {
    return Promise.all((await this.#repository.listByOwner(userId)).map((stored) => this.#open(stored)));
  }

  async revoke(userId: string, shareId: string): Promise<void> {
    if (!(await this.#repository.revoke(userId, shareId, this.#clock()))) throw new NotFoundError('Shared link', 'share_id');
  }

  /** What anyone with the link sees; `not_found` for unknown and revoked links alike. */
  async open(token: string): Promise<PublicSharedConversation> {
    const stored = await this.#repository.findLiveByTokenHash(hashOpaqueToken(token));
    if (!stored) throw new NotFoundError('Shared conversation', 'token');
    const { title, messages } = await this.#snapshot(stored);
    return { title, messages, createdAt: stored.createdAt };
  }

  async #open(stored: StoredConversationShare): Promise<ConversationShare> {
    const { title, messages } = await this.#snapshot(stored);
    const token = await this.#cipher.decrypt(stored.sealedToken, `conversation_shares:${stored.id}:token`);
    return { id: stored.id, userId: stored.userId, conversationId: stored.conversationId, title, messages, token, createdAt: stored.createdAt, revokedAt: stored.revokedAt };
  }

  async #snapshot(stored: StoredConversationShare): Promise<{ title: string; messages: SharedMessage[] }> {
    const parsed = JSON.parse(await this.#cipher.decrypt(stored.sealedSnapshot, `conversation_shares:${stored.id}:snapshot`)) as { title: string; messages: Array<Omit<SharedMessage, 'createdAt'> & { createdAt: string }> };
    return { title: parsed.title, messages: parsed.messages.map((message) => ({ ...message, createdAt: new Date(message.createdAt) })) };
  }
}
