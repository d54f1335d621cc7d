import type { GenerationEvent } from '@charter/engine-spec';
import type { Principal } from '../accounts/principal.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { InferenceService } from '../inference/inference-service.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { Conversation, ConversationMessage, ConversationMessageStatus, ConversationWithMessages } from './conversation.js';
import type { ConversationRepository, StoredConversation, StoredConversationMessage } from './conversation-repository.js';
import { newestLeafUnder, pathTo } from './message-tree.js';

/** How many of a person's most recent conversations a search reads (content is encrypted, so it is scanned). */
export const searchedConversationLimit = 500;
const maxTitleLength = 100;

export interface ConversationServiceOptions {
  repository: ConversationRepository;
  cipher: ContentCipher;
  inference: InferenceService;
  clock: Clock;
  logger: Logger;
}

/** What a reply streams to the page: the stored question (when new), the answer's id, then text, then the end. */
export type ConversationReplyEvent =
  | { type: 'start'; userMessage: ConversationMessage | null; assistantMessageId: string; notices: readonly string[] }
  | { type: 'delta'; text: string }
  | { type: 'done'; message: ConversationMessage };

export interface ReplyContext {
  requestId: string;
  principal: Principal;
  signal: AbortSignal;
}

/**
 * Conversations of the chat app (CON-1): create, list and search, rename, delete, ask, regenerate, edit and
 * branch. Titles and messages are sealed with the content cipher before they reach storage (PRV-9). Answers are
 * generated through the same inference path as the API (limits, moderation, metering) and stored as they end,
 * also when the person stops them or leaves.
 */
export class ConversationService {
  readonly #repository: ConversationRepository;
  readonly #cipher: ContentCipher;
  readonly #inference: InferenceService;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: ConversationServiceOptions) {
    this.#repository = options.repository;
    this.#cipher = options.cipher;
    this.#inference = options.inference;
    this.#clock = options.clock;
    this.#logger = options.logger;
  }

  async create(userId: string, input: { title?: string | null; model?: string | null }): Promise<Conversation> {
    const now = this.#clock();
    const id = newId('conv');
    const title = normaliseTitle(input.title ?? '');
    await this.#repository.insert({ id, userId, sealedTitle: await this.#sealTitle(id, title), model: input.model ?? null, currentLeafId: null, createdAt: now, updatedAt: now });
    return { id, userId, title, model: input.model ?? null, currentLeafId: null, createdAt: now, updatedAt: now };
  }

  /** Most recently updated first. With `query`, only conversations whose title or messages contain it. */
  async list(userId: string, options: { limit: number; before?: { updatedAt: Date; id: string }; query?: string }): Promise<Conversation[]> {
    if (!options.query?.trim()) return Promise.all((await this.#repository.list(userId, options)).map((stored) => this.#openConversation(stored)));
    const needle = searchable(options.query);
    const candidates = await this.#repository.listAll(userId, searchedConversationLimit);
    const messages = await this.#repository.listMessagesOf(userId, candidates.map((candidate) => candidate.id));
    const matching = new Set<string>();
    for (const message of messages) {
      if (!matching.has(message.conversationId) && searchable(await this.#openMessage(message).then((opened) => opened.content)).includes(needle)) matching.add(message.conversationId);
    }
    const results: Conversation[] = [];
    for (const candidate of candidates) {
      const conversation = await this.#openConversation(candidate);
      if (matching.has(candidate.id) || searchable(conversation.title).includes(needle)) results.push(conversation);
      if (results.length >= options.limit) break;
    }
    return results;
  }

  async get(userId: string, conversationId: string): Promise<ConversationWithMessages> {
    const stored = await this.#find(userId, conversationId);
    const messages = await Promise.all((await this.#repository.listMessages(userId, conversationId)).map((message) => this.#openMessage(message)));
    return { conversation: await this.#openConversation(stored), messages, currentPath: pathTo(messages, stored.currentLeafId) };
  }

  async rename(userId: string, conversationId: string, title: string): Promise<Conversation> {
    const normalised = normaliseTitle(title);
    if (normalised === '') throw new InvalidRequestError('The title cannot be empty.', 'title');
    if (!(await this.#repository.rename(userId, conversationId, await this.#sealTitle(conversationId, normalised), this.#clock()))) throw new NotFoundError('Conversation', 'conversation_id');
    return this.#openConversation(await this.#find(userId, conversationId));
  }

  async delete(userId: string, conversationId: string): Promise<void> {
    if (!(await this.#repository.delete(userId, conversationId))) throw new NotFoundError('Conversation', 'conversation_id');
  }

  /** Show another branch: the thread switches to the newest leaf under `messageId`. */
  async selectBranch(userId: string, conversationId: string, messageId: string): Promise<ConversationWithMessages> {
    const current = await this.get(userId, conversationId);
    if (!current.messages.some((message) => message.id === messageId)) throw new NotFoundError('Message', 'message_id');
    await this.#repository.setCurrentLeaf(userId, conversationId, newestLeafUnder(current.messages, messageId), this.#clock());
    return this.get(userId, conversationId);
  }

  /**
   * Ask a question under `parentId` (the current leaf to continue, an earlier message to branch from, or null
   * to start over). Editing a question is asking again under the edited question's parent. Nothing is stored
   * when the request is refused (limits, moderation, unknown model): the question is saved only once the
   * answer has started.
   */
  async ask(userId: string, conversationId: string, input: { parentId: string | null; content: string; model: string }, context: ReplyContext): Promise<AsyncIterable<ConversationReplyEvent>> {
    const content = input.content.trim();
    if (content === '') throw new InvalidRequestError('The message cannot be empty.', 'content');
    const current = await this.get(userId, conversationId);
    const parent = input.parentId === null ? undefined : current.messages.find((message) => message.id === input.parentId);
    if (input.parentId !== null && !parent) throw new NotFoundError('Message', 'parent_id');
    if (parent && parent.role !== 'assistant') throw new InvalidRequestError('A question follows an answer: parent_id must name an assistant message (or be null).', 'parent_id');
    const history = [...(parent ? pathTo(current.messages, parent.id).map((id) => current.messages.find((message) => message.id === id)!) : []), { role: 'user' as const, content }];
    const now = this.#clock();
    const userMessage: ConversationMessage = { ...emptyMessage(conversationId, input.parentId, 'user', now), content, status: 'complete' };
    const title = current.conversation.title === '' ? normaliseTitle(content) : null;
    return this.#reply(userId, current.conversation, history, userMessage, input.model, context, title);
  }

  /** Answer a question again: a new answer beside the earlier ones (a branch). */
  async regenerate(userId: string, conversationId: string, input: { messageId: string; model: string }, context: ReplyContext): Promise<AsyncIterable<ConversationReplyEvent>> {
    const current = await this.get(userId, conversationId);
    const question = current.messages.find((message) => message.id === input.messageId);
    if (!question) throw new NotFoundError('Message', 'message_id');
    if (question.role !== 'user') throw new InvalidRequestError('Only a question can be answered again: message_id must name a user message.', 'message_id');
    const history = pathTo(current.messages, question.id).map((id) => current.messages.find((message) => message.id === id)!);
    return this.#reply(userId, current.conversation, history, null, input.model, context, null);
  }

  async #reply(
    userId: string,
    conversation: Conversation,
    history: ReadonlyArray<Pick<ConversationMessage, 'role' | 'content'>>,
    userMessage: ConversationMessage | null,
    model: string,
    context: ReplyContext,
    newTitle: string | null,
  ): Promise<AsyncIterable<ConversationReplyEvent>> {
    const generation = await this.#inference.startChat({ model, messages: history.map((message) => ({ role: message.role, content: message.content })) }, { ...context, isStreamed: true });
    const answer: ConversationMessage = { ...emptyMessage(conversation.id, userMessage?.id ?? lastId(history, conversation), 'assistant', this.#clock()), model, notices: [...generation.notices] };
    try {
      if (userMessage) await this.#repository.insertMessage(userId, await this.#sealMessage(userMessage));
      await this.#repository.insertMessage(userId, await this.#sealMessage(answer));
      await this.#repository.setCurrentLeaf(userId, conversation.id, answer.id, this.#clock(), model);
      if (newTitle) await this.#repository.rename(userId, conversation.id, await this.#sealTitle(conversation.id, newTitle), this.#clock());
    } catch (error) {
      // The generation has started; stop it rather than let it run for nobody.
      await drain(generation, true);
      throw error;
    }
    return this.#stream(userId, generation, answer, userMessage, context.signal);
  }

  async *#stream(userId: string, generation: AsyncIterable<GenerationEvent>, answer: ConversationMessage, userMessage: ConversationMessage | null, signal: AbortSignal): AsyncIterable<ConversationReplyEvent> {
    let content = '';
    let status: ConversationMessageStatus = 'failed';
    let finishReason: string | null = null;
    let usage: { promptTokens: number; completionTokens: number } | null = null;
    try {
      yield { type: 'start', userMessage, assistantMessageId: answer.id, notices: answer.notices };
      for await (const event of generation) {
        if (event.type === 'delta') {
          if (event.text) {
            content += event.text;
            yield { type: 'delta', text: event.text };
          }
        } else {
          finishReason = event.finishReason;
          usage = event.usage;
          status = event.finishReason === 'content_filter' ? 'filtered' : 'complete';
        }
      }
    } catch (error) {
      status = signal.aborted ? 'stopped' : 'failed';
      if (!signal.aborted) throw error;
    } finally {
      if (signal.aborted && status === 'failed') status = 'stopped';
      const final: ConversationMessage = { ...answer, content, status, finishReason, promptTokens: usage?.promptTokens ?? null, completionTokens: usage?.completionTokens ?? null };
      // Stored whatever happened, so a stopped or failed answer keeps what was shown.
      await this.#repository
        .completeMessage(userId, answer.id, { sealedContent: await this.#cipher.encrypt(content, messageAssociatedData(answer)), status, finishReason, notices: answer.notices, promptTokens: final.promptTokens, completionTokens: final.completionTokens })
        .catch((error: unknown) => this.#logger.error({ err: error, messageId: answer.id }, 'could not store the end of an answer'));
      if (status === 'complete' || status === 'filtered') yield { type: 'done', message: final };
    }
  }

  async #find(userId: string, conversationId: string): Promise<StoredConversation> {
    const stored = await this.#repository.find(userId, conversationId);
    if (!stored) throw new NotFoundError('Conversation', 'conversation_id');
    return stored;
  }

  #sealTitle(conversationId: string, title: string): Promise<string> {
    return this.#cipher.encrypt(title, `conversations:${conversationId}:title`);
  }

  async #openConversation(stored: StoredConversation): Promise<Conversation> {
    const { sealedTitle, ...rest } = stored;
    return { ...rest, title: await this.#cipher.decrypt(sealedTitle, `conversations:${stored.id}:title`) };
  }

  async #sealMessage(message: ConversationMessage): Promise<StoredConversationMessage> {
    const { content, ...rest } = message;
    return { ...rest, sealedContent: await this.#cipher.encrypt(content, messageAssociatedData(message)) };
  }

  async #openMessage(stored: StoredConversationMessage): Promise<ConversationMessage> {
    const { sealedContent, ...rest } = stored;
    return { ...rest, content: await this.#cipher.decrypt(sealedContent, messageAssociatedData(stored)) };
  }
}

function messageAssociatedData(message: Pick<ConversationMessage, 'conversationId' | 'id'>): string {
  return `conversation_messages:${message.conversationId}:${message.id}`;
}

function emptyMessage(conversationId: string, parentId: string | null, role: ConversationMessage['role'], createdAt: Date): ConversationMessage {
  return { id: newId('msg'), conversationId, parentId, role, content: '', model: null, status: 'streaming', finishReason: null, notices: [], promptTokens: null, completionTokens: null, createdAt };
}

function lastId(history: ReadonlyArray<Pick<ConversationMessage, 'role' | 'content'> & { id?: string }>, conversation: Conversation): string | null {
  return history.at(-1)?.id ?? conversation.currentLeafId;
}

function normaliseTitle(text: string): string {
  const firstLine = text.replace(/\s+/g, ' ').trim();
  return [...firstLine].length > maxTitleLength ? `${[...firstLine].slice(0, maxTitleLength - 1).join('')}…` : firstLine;
}

/** Case- and width-insensitive form for search (NFKC folds full-width letters; works for CJK substrings too). */
function searchable(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase();
}

async function drain(generation: AsyncIterable<unknown>, shouldStop: boolean): Promise<void> {
  const iterator = generation[Symbol.asyncIterator]();
  if (shouldStop) await iterator.return?.();
}
