import type { ModelListBody } from '@charter/contracts';
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { charter } from '../client.js';
import { AiLabel } from '../components/ai-label.js';
import { describeError } from '../components/error-message.js';
import { MarkdownMessage } from '../components/markdown-message.js';
import { useUser } from '../session-context.js';

interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  isStreaming?: boolean;
  error?: string;
  finishReason?: string | null;
  notices?: unknown[];
}

let sequence = 0;
const messageId = () => `m${(sequence += 1)}`;

export function ChatPage() {
  const { t } = useTranslation();
  const user = useUser();
  const [models, setModels] = useState<ModelListBody['data']>([]);
  const [model, setModel] = useState('');
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [draft, setDraft] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const isStreaming = messages.some((message) => message.isStreaming);

  useEffect(() => {
    charter.models
      .list()
      .then((list) => {
        setModels(list.data);
        setModel((current) => current || list.data[0]?.id || '');
      })
      .catch((error: unknown) => setLoadError(describeError(error, t('common.unexpectedError'))));
  }, [t]);

  const generate = useCallback(
    async (history: ChatMessage[]) => {
      const answer: ChatMessage = { id: messageId(), role: 'assistant', content: '', isStreaming: true };
      setMessages([...history, answer]);
      const controller = new AbortController();
      abortRef.current = controller;
      const update = (fields: Partial<ChatMessage>) => setMessages((current) => current.map((message) => (message.id === answer.id ? { ...message, ...fields } : message)));
      let content = '';
      try {
        for await (const event of charter.chat.stream({ model, messages: history.map(({ role, content: text }) => ({ role, content: text })) }, controller.signal)) {
          if (event.type === 'delta') {
            content += event.content;
            update({ content });
          } else {
            update({ isStreaming: false, finishReason: event.finishReason, notices: event.notices });
          }
        }
      } catch (error) {
        const isAborted = controller.signal.aborted;
        update({ isStreaming: false, finishReason: isAborted ? 'stopped' : null, error: isAborted ? undefined : describeError(error, t('common.unexpectedError')) });
      } finally {
        abortRef.current = null;
      }
    },
    [model, t],
  );

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || isStreaming || !model) return;
    setDraft('');
    void generate([...messages, { id: messageId(), role: 'user', content: text }]);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event as unknown as FormEvent);
  };
  const regenerate = () => {
    const lastUser = messages.map((message) => message.role).lastIndexOf('user');
    if (lastUser === -1 || isStreaming) return;
    void generate(messages.slice(0, lastUser + 1));
  };

  return (
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
        <button type="button" className="secondary" onClick={() => setMessages([])} disabled={isStreaming}>{t('chat.newChat')}</button>
      </div>
      {loadError ? <p className="error" role="alert">{loadError}</p> : null}
      <ol className="messages" aria-live="polite" aria-label={t('chat.messages')}>
        {messages.map((message) => (
          <li key={message.id} className={`message ${message.role}`}>
            <div className="message-meta">
              <span className="author">{message.role === 'user' ? t('chat.you') : t('chat.assistant')}</span>
              {message.role === 'assistant' ? <AiLabel /> : null}
            </div>
            {message.role === 'assistant' ? <MarkdownMessage text={message.content} /> : <p className="user-text">{message.content}</p>}
            {message.isStreaming ? <span className="typing" role="status">{t('chat.generating')}</span> : null}
            {message.finishReason === 'content_filter' ? <p className="notice">{t('chat.filtered')}</p> : null}
            {message.finishReason === 'stopped' ? <p className="notice">{t('chat.stopped')}</p> : null}
            {message.notices && message.notices.length > 0 ? <p className="notice" role="note">{t('chat.regulatedAdvice')}</p> : null}
            {message.error ? <p className="error" role="alert">{message.error}</p> : null}
          </li>
        ))}
      </ol>
      <form className="composer" onSubmit={send}>
        <label htmlFor="composer-input" className="visually-hidden">{t('chat.prompt')}</label>
        <textarea id="composer-input" rows={3} value={draft} placeholder={t('chat.placeholder')} onChange={(event) => setDraft(event.target.value)} onKeyDown={onKeyDown} />
        <div className="composer-actions">
          {isStreaming ? (
            <button type="button" className="secondary" onClick={() => abortRef.current?.abort()}>{t('chat.stop')}</button>
          ) : (
            <button type="button" className="secondary" onClick={regenerate} disabled={!messages.some((message) => message.role === 'assistant')}>{t('chat.regenerate')}</button>
          )}
          <button type="submit" disabled={isStreaming || !draft.trim() || !model}>{t('chat.send')}</button>
        </div>
      </form>
    </div>
  );
}
