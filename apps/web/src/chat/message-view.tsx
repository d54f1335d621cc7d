import type { ConversationMessageBody } from '@charter/contracts';
import { type FormEvent, memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AiLabel } from '../components/ai-label.js';
import { ThumbDownIcon, ThumbUpIcon } from '../components/icons.js';
import { LazyMarkdownMessage } from '../components/lazy-markdown-message.js';

export interface MessageViewProps {
  message: ConversationMessageBody;
  /** Versions of this message (siblings under the same parent), oldest first. */
  siblings: ConversationMessageBody[];
  isBusy: boolean;
  /** Handlers must keep their identity across renders (the view is memoised on the message, not on them). */
  onSelectSibling: (messageId: string) => void;
  onEdit?: (message: ConversationMessageBody, content: string) => void;
  onRegenerate?: (message: ConversationMessageBody) => void;
  onFeedback?: (message: ConversationMessageBody, rating: 'up' | 'down', comment: string | null) => Promise<void>;
}

function MessageViewContent({ message, siblings, isBusy, onSelectSibling, onEdit, onRegenerate, onFeedback }: MessageViewProps) {
  const { t } = useTranslation();
  const [isEditing, setIsEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [feedback, setFeedback] = useState<'up' | 'down' | null>(null);
  const [isCommenting, setIsCommenting] = useState(false);
  const [comment, setComment] = useState('');
  const [feedbackStatus, setFeedbackStatus] = useState<string | null>(null);
  const index = siblings.findIndex((sibling) => sibling.id === message.id);
  const sendFeedback = async (rating: 'up' | 'down', text: string | null) => {
    await onFeedback?.(message, rating, text);
    setFeedback(rating);
    setFeedbackStatus(t('feedback.thanks'));
  };
  const submitEdit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) onEdit?.(message, draft);
    setIsEditing(false);
  };
  const submitComment = (event: FormEvent) => {
    event.preventDefault();
    void sendFeedback(feedback ?? 'down', comment.trim() || null).then(() => setIsCommenting(false));
  };
  return (
    <li className={`message ${message.role}`} data-message-id={message.id}>
      <div className="message-meta">
        <span className="author">{message.role === 'user' ? t('chat.you') : t('chat.assistant')}</span>
        {message.role === 'assistant' ? <AiLabel /> : null}
        {siblings.length > 1 ? (
          <span className="branch-switcher">
            <button type="button" className="icon-button" disabled={isBusy || index <= 0} aria-label={t('branches.previous')} onClick={() => onSelectSibling(siblings[index - 1]!.id)}>‹</button>
            <span>{t('branches.position', { current: index + 1, total: siblings.length })}</span>
            <button type="button" className="icon-button" disabled={isBusy || index >= siblings.length - 1} aria-label={t('branches.next')} onClick={() => onSelectSibling(siblings[index + 1]!.id)}>›</button>
          </span>
        ) : null}
      </div>
      {isEditing ? (
        <form onSubmit={submitEdit} className="edit-form">
          <label className="visually-hidden" htmlFor={`edit-${message.id}`}>{t('chat.editMessage')}</label>
          <textarea id={`edit-${message.id}`} rows={3} value={draft} onChange={(event) => setDraft(event.target.value)} />
          <div className="composer-actions">
            <button type="button" className="secondary" onClick={() => setIsEditing(false)}>{t('common.cancel')}</button>
            <button type="submit">{t('chat.saveAndSend')}</button>
          </div>
        </form>
      ) : message.role === 'assistant' ? (
        <LazyMarkdownMessage text={message.content} />
      ) : (
        <p className="user-text">{message.content}</p>
      )}
      {message.status === 'streaming' ? <span className="typing" role="status">{t('chat.generating')}</span> : null}
      {message.status === 'filtered' ? <p className="notice">{t('chat.filtered')}</p> : null}
      {message.status === 'stopped' ? <p className="notice">{t('chat.stopped')}</p> : null}
      {message.status === 'failed' ? <p className="error">{t('chat.failed')}</p> : null}
      {message.notices.length > 0 ? <p className="notice" role="note">{t('chat.regulatedAdvice')}</p> : null}
      {!isEditing && message.status !== 'streaming' ? (
        <div className="message-actions">
          {message.role === 'user' && onEdit ? <button type="button" className="secondary small" disabled={isBusy} onClick={() => { setDraft(message.content); setIsEditing(true); }}>{t('chat.edit')}</button> : null}
          {message.role === 'assistant' && onRegenerate ? <button type="button" className="secondary small" disabled={isBusy} onClick={() => onRegenerate(message)}>{t('chat.regenerate')}</button> : null}
          {message.role === 'assistant' && onFeedback ? (
            <>
              <button type="button" className="icon-button" aria-pressed={feedback === 'up'} aria-label={t('feedback.good')} onClick={() => void sendFeedback('up', null)}><ThumbUpIcon /></button>
              <button type="button" className="icon-button" aria-pressed={feedback === 'down'} aria-label={t('feedback.bad')} onClick={() => { setFeedback('down'); setIsCommenting(true); }}><ThumbDownIcon /></button>
            </>
          ) : null}
        </div>
      ) : null}
      {isCommenting ? (
        <form onSubmit={submitComment} className="feedback-form">
          <label htmlFor={`comment-${message.id}`}>{t('feedback.comment')}</label>
          <textarea id={`comment-${message.id}`} rows={2} value={comment} onChange={(event) => setComment(event.target.value)} maxLength={4000} />
          <div className="composer-actions">
            <button type="button" className="secondary" onClick={() => setIsCommenting(false)}>{t('common.cancel')}</button>
            <button type="submit">{t('feedback.send')}</button>
          </div>
        </form>
      ) : null}
      {feedbackStatus ? <p role="status" className="hint">{feedbackStatus}</p> : null}
    </li>
  );
}

/**
 * One message, re-rendered only when it, its versions or the busy state change: while an answer streams, the
 * rest of a long conversation is not parsed as Markdown again on every token.
 */
export const MessageView = memo(
  MessageViewContent,
  (before, after) =>
    before.message === after.message &&
    before.isBusy === after.isBusy &&
    before.siblings.length === after.siblings.length &&
    before.siblings.every((sibling, index) => sibling.id === after.siblings[index]?.id),
);
