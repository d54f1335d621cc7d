import type { ContentCipher } from '../content/content-cipher.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { ConversationService } from './conversation-service.js';

/** Thumbs up or down on an answer, with an optional comment (CON-3). */
export interface MessageFeedback {
  id: string;
  userId: string;
  conversationId: string;
  messageId: string;
  rating: 'up' | 'down';
  comment: string | null;
  createdAt: Date;
}

/** Feedback as stored: the comment and the conversation snapshot sealed (PRV-9). */
export interface StoredMessageFeedback extends Omit<MessageFeedback, 'comment'> {
  sealedComment: string | null;
  /** JSON of the thread up to the rated answer, sealed: the feedback keeps its context (CON-3). */
  sealedSnapshot: string;
}

/** Port: persistence of feedback; one per person and answer (a new one replaces the old). */
export interface MessageFeedbackRepository {
  upsert(feedback: StoredMessageFeedback): Promise<void>;
  find(userId: string, messageId: string): Promise<StoredMessageFeedback | undefined>;
}

const maxCommentLength = 4000;

/** Recording feedback on answers together with a snapshot of the conversation it was given in (CON-3). */
export class MessageFeedbackService {
  readonly #repository: MessageFeedbackRepository;
  readonly #conversations: ConversationService;
  readonly #cipher: ContentCipher;
  readonly #clock: Clock;

  constructor(options: { repository: MessageFeedbackRepository; conversations: ConversationService; cipher: ContentCipher; clock: Clock }) {
    this.#repository = options.repository;
    this.#conversations = options.conversations;
    this.#cipher = options.cipher;
    this.#clock = options.clock;
  }

  async submit(userId: string, conversationId: string, messageId: string, input: { rating: 'up' | 'down'; comment?: string | null }): Promise<MessageFeedback> {
    const { messages } = await this.#conversations.get(userId, conversationId);
    const target = messages.find((message) => message.id === messageId);
    if (!target) throw new NotFoundError('Message', 'message_id');
    if (target.role !== 'assistant') throw new InvalidRequestError('Feedback is given on answers: message_id must name an assistant message.', 'message_id');
    const comment = input.comment?.trim() || null;
    if (comment && [...comment].length > maxCommentLength) throw new InvalidRequestError(`The comment may have at most ${maxCommentLength} characters.`, 'comment');
    const thread: Array<{ role: string; content: string; model: string | null }> = [];
    for (let message: (typeof messages)[number] | undefined = target; message; message = messages.find((candidate) => candidate.id === message!.parentId)) {
      thread.unshift({ role: message.role, content: message.content, model: message.model });
    }
    const id = newId('fb');
    const feedback: MessageFeedback = { id, userId, conversationId, messageId, rating: input.rating, comment, createdAt: this.#clock() };
    await this.#repository.upsert({
      ...feedback,
      sealedComment: comment === null ? null : await this.#cipher.encrypt(comment, `message_feedback:${messageId}:${userId}:comment`),
      sealedSnapshot: await this.#cipher.encrypt(JSON.stringify(thread), `message_feedback:${messageId}:${userId}:snapshot`),
    });
    return feedback;
  }

  async find(userId: string, messageId: string): Promise<MessageFeedback | undefined> {
    const stored = await this.#repository.find(userId, messageId);
    if (!stored) return undefined;
    const { sealedComment, sealedSnapshot: _snapshot, ...rest } = stored;
    return { ...rest, comment: sealedComment === null ? null : await this.#cipher.decrypt(sealedComment, `message_feedback:${messageId}:${userId}:comment`) };
  }
}
