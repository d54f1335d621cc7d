import type { ConversationBody, ConversationDetailBody, ConversationMessageBody, ModelListBody } from '@charter/contracts';
import type { ConversationStreamEvent } from '@charter/sdk';
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ConversationSidebar } from '../chat/conversation-sidebar.js';
import { MessageView } from '../chat/message-view.js';
import { charter } from '../client.js';
import { describeError } from '../components/error-message.js';
import { useUser } from '../session-context.js';

/** The visible thread of a conversation: the messages on its current path. */
function thread(detail: ConversationDetailBody | null): ConversationMessageBody[] {
  if (!detail) return [];
  const byId = new Map(detail.messages.map((message) => [message.id, message]));
  return detail.current_path.map((id) => byId.get(id)).filter((message): message is ConversationMessageBody => message !== undefined);
}

export function ChatPage() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const { conversationId } = useParams();
  const [models, setModels] = useState<ModelListBody['data']>([]);
  const [model, setModel] = useState('');
  const [conversations, setConversations] = useState<ConversationBody[]>([]);
  const [query, setQuery] = useState('');
  const [detail, setDetail] = useState<ConversationDetailBody | null>(null);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [shareUrl, setShareUrl] = useState<string | null>(null);
  const [isStreaming, setIsStreaming] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const fail = useCallback((caught: unknown) => setError(describeError(caught, t('common.unexpectedError'))), [t]);

  useEffect(() => {
    charter.models.list().then((list) => {
      setModels(list.data);
      setModel((current) => current || list.data[0]?.id || '');
    }, fail);
  }, [fail]);

  const loadList = useCallback(() => charter.conversations.list({ query: query.trim() || undefined, limit: 100 }).then((list) => setConversations(list.data), fail), [query, fail]);
  useEffect(() => {
    const timer = setTimeout(() => void loadList(), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [loadList, query]);

  useEffect(() => {
    setShareUrl(null);
    setError(null);
    if (!conversationId) {
      setDetail(null);
      return;
    }
    charter.conversations.retrieve(conversationId).then((loaded) => {
      setDetail(loaded);
      if (loaded.model) setModel(loaded.model);
    }, fail);
  }, [conversationId, fail]);

  const messages = useMemo(() => thread(detail), [detail]);
  const siblingsOf = useCallback((message: ConversationMessageBody) => (detail?.messages ?? []).filter((candidate) => candidate.parent_id === message.parent_id && candidate.role === message.role), [detail]);

  /** Apply a reply stream to the page as it comes, then reload the stored conversation. */
  const follow = useCallback(
    async (id: string, events: AsyncGenerator<ConversationStreamEvent>, controller: AbortController) => {
      setIsStreaming(true);
      setError(null);
      try {
        for await (const event of events) {
          setDetail((current) => {
            if (!current) return current;
            if (event.type === 'start') {
              const added: ConversationMessageBody[] = event.user_message ? [event.user_message] : [];
              const parentId = event.user_message?.id ?? current.current_path.at(-1) ?? null;
              const answer: ConversationMessageBody = { object: 'conversation.message', id: event.assistant_message_id, parent_id: parentId, role: 'assistant', content: '', model, status: 'streaming', finish_reason: null, notices: event.notices, ai_generated: true, created_at: new Date().toISOString() };
              const basePath = event.user_message ? [...pathTo(current, event.user_message.parent_id), event.user_message.id] : pathTo(current, parentId);
              return { ...current, messages: [...current.messages, ...added, answer], current_path: [...basePath, answer.id] };
            }
            if (event.type === 'delta') {
              const answerId = current.current_path.at(-1);
              return { ...current, messages: current.messages.map((message) => (message.id === answerId ? { ...message, content: message.content + event.text } : message)) };
            }
            return { ...current, messages: current.messages.map((message) => (message.id === event.message.id ? event.message : message)) };
          });
        }
      } catch (caught) {
        if (!controller.signal.aborted) fail(caught);
      } finally {
        setIsStreaming(false);
        abortRef.current = null;
        await charter.conversations.retrieve(id).then(setDetail, () => undefined);
        void loadList();
      }
    },
    [fail, loadList, model],
  );

  const ask = async (content: string, parentId: string | null) => {
    if (!model || isStreaming) return;
    let id = conversationId;
    if (!id) {
      try {
        const created = await charter.conversations.create({ model });
        id = created.id;
        setDetail({ ...created, messages: [], current_path: [] });
        navigate(`/c/${id}`, { replace: true });
      } catch (caught) {
        fail(caught);
        return;
      }
    }
    const controller = new AbortController();
    abortRef.current = controller;
    await follow(id, charter.conversations.ask(id, { content, parent_id: parentId, model }, controller.signal), controller);
  };

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    void ask(text, messages.at(-1)?.role === 'assistant' ? messages.at(-1)!.id : null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event as unknown as FormEvent);
  };
  const regenerate = (answer: ConversationMessageBody) => {
    if (!conversationId || !answer.parent_id || isStreaming) return;
    const controller = new AbortController();
    abortRef.current = controller;
    void follow(conversationId, charter.conversations.regenerate(conversationId, answer.parent_id, model, controller.signal), controller);
  };
  const selectBranch = (messageId: string) => {
    if (!conversationId) return;
    charter.conversations.selectBranch(conversationId, messageId).then(setDetail, fail);
  };
  const share = async () => {
    if (!conversationId) return;
    try {
      setShareUrl((await charter.conversations.share(conversationId)).url);
    } catch (caught) {
      fail(caught);
    }
  };

  // Stable handlers that always call the latest closures, so memoised messages need not re-render for them.
  const latest = useRef({ ask, regenerate, selectBranch, conversationId });
  latest.current = { ask, regenerate, selectBranch, conversationId };
  const handlers = useMemo(
    () => ({
      selectBranch: (messageId: string) => latest.current.selectBranch(messageId),
      edit: (message: ConversationMessageBody, content: string) => void latest.current.ask(content, message.parent_id),
      regenerate: (message: ConversationMessageBody) => latest.current.regenerate(message),
      feedback: async (message: ConversationMessageBody, rating: 'up' | 'down', comment: string | null) => {
        if (latest.current.conversationId) await charter.conversations.feedback(latest.current.conversationId, message.id, { rating, comment });
      },
    }),
    [],
  );

  return (
    <div className="chat-layout">
      <ConversationSidebar
        conversations={conversations}
        activeId={conversationId}
        query={query}
        onQueryChange={setQuery}
        onRename={async (id, title) => {
          await charter.conversations.rename(id, title).catch(fail);
          await loadList();
          if (id === conversationId) charter.conversations.retrieve(id).then(setDetail, fail);
        }}
        onDelete={async (id) => {
          await charter.conversations.delete(id).catch(fail);
          await loadList();
          if (id === conversationId) navigate('/');
        }}
      />
      <div className="chat">
        {user.email_verified ? null : (
          <p className="banner" role="status">
            {t('chat.verifyBanner')} <Link to="/settings/profile">{t('chat.verifyLink')}</Link>
          </p>
        )}
        <div className="chat-toolbar">
          <label htmlFor="model-picker">{t('chat.model')}</label>
          <select id="model-picker" value={model} onChange={(event) => setModel(event.target.value)} disabled={isStreaming}>
            {models.length === 0 ? <option value="">{t('chat.noModels')}</option> : null}
            {models.map((entry) => (
              <option key={entry.id} value={entry.id}>{entry.id}</option>
            ))}
          </select>
          {conversationId && messages.length > 0 ? <button type="button" className="secondary" onClick={() => void share()} disabled={isStreaming}>{t('share.create')}</button> : null}
        </div>
        {shareUrl ? (
          <div className="secret-box" role="region" aria-label={t('share.created')}>
            <p>{t('share.explain')}</p>
            <code data-testid="share-url">{shareUrl}</code>
            <button type="button" onClick={() => void navigator.clipboard.writeText(shareUrl).catch(() => undefined)}>{t('apiKeys.copy')}</button>
            <Link to="/settings/shared-links">{t('share.manage')}</Link>
          </div>
        ) : null}
        {error ? <p className="error" role="alert">{error}</p> : null}
        {detail?.title ? <h1 className="conversation-title">{detail.title}</h1> : <h1 className="visually-hidden">{t('chat.newChat')}</h1>}
        <ol className="messages" aria-live="polite" aria-label={t('chat.messages')}>
          {messages.map((message) => (
            <MessageView
              key={message.id}
              message={message}
              siblings={siblingsOf(message)}
              isBusy={isStreaming}
              onSelectSibling={handlers.selectBranch}
              onEdit={message.role === 'user' ? handlers.edit : undefined}
              onRegenerate={message.role === 'assistant' ? handlers.regenerate : undefined}
              onFeedback={message.role === 'assistant' && conversationId ? handlers.feedback : undefined}
            />
          ))}
        </ol>
        <form className="composer" onSubmit={send}>
          <label htmlFor="composer-input" className="visually-hidden">{t('chat.prompt')}</label>
          <textarea id="composer-input" rows={3} value={draft} placeholder={t('chat.placeholder')} onChange={(event) => setDraft(event.target.value)} onKeyDown={onKeyDown} />
          <div className="composer-actions">
            {isStreaming ? <button type="button" className="secondary" onClick={() => abortRef.current?.abort()}>{t('chat.stop')}</button> : null}
            <button type="submit" disabled={isStreaming || !draft.trim() || !model}>{t('chat.send')}</button>
          </div>
        </form>
      </div>
    </div>
  );
}

function pathTo(detail: ConversationDetailBody, messageId: string | null): string[] {
  const byId = new Map(detail.messages.map((message) => [message.id, message]));
  const path: string[] = [];
  for (let current = messageId ? byId.get(messageId) : undefined; current; current = current.parent_id ? byId.get(current.parent_id) : undefined) path.unshift(current.id);
  return path;
}
