import type { ConversationBody } from '@charter/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PencilIcon, TrashIcon } from '../components/icons.js';

export function ConversationSidebar(props: {
  conversations: ConversationBody[];
  activeId: string | undefined;
  query: string;
  onQueryChange: (query: string) => void;
  onRename: (conversationId: string, title: string) => Promise<void>;
  onDelete: (conversationId: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draftTitle, setDraftTitle] = useState('');
  const submitRename = async (event: FormEvent, conversationId: string) => {
    event.preventDefault();
    await props.onRename(conversationId, draftTitle);
    setEditingId(null);
  };
  return (
    <aside className="conversation-sidebar" aria-label={t('conversations.label')}>
      <Link to="/" className="button-link">{t('chat.newChat')}</Link>
      <label className="visually-hidden" htmlFor="conversation-search">{t('conversations.search')}</label>
      <input id="conversation-search" type="search" placeholder={t('conversations.search')} value={props.query} onChange={(event) => props.onQueryChange(event.target.value)} />
      <ul className="conversation-list">
        {props.conversations.map((conversation) => (
          <li key={conversation.id} className={conversation.id === props.activeId ? 'active' : undefined}>
            {editingId === conversation.id ? (
              <form onSubmit={(event) => void submitRename(event, conversation.id)} className="rename-form">
                <label className="visually-hidden" htmlFor={`rename-${conversation.id}`}>{t('conversations.newTitle')}</label>
                <input id={`rename-${conversation.id}`} value={draftTitle} onChange={(event) => setDraftTitle(event.target.value)} autoFocus maxLength={200} />
                <button type="submit">{t('common.save')}</button>
                <button type="button" className="secondary" onClick={() => setEditingId(null)}>{t('common.cancel')}</button>
              </form>
            ) : (
              <>
                <Link to={`/c/${conversation.id}`} aria-current={conversation.id === props.activeId ? 'page' : undefined}>{conversation.title || t('conversations.untitled')}</Link>
                <span className="conversation-actions">
                  <button type="button" className="icon-button" aria-label={t('conversations.renameNamed', { title: conversation.title })} onClick={() => { setEditingId(conversation.id); setDraftTitle(conversation.title); }}><PencilIcon /></button>
                  <button type="button" className="icon-button" aria-label={t('conversations.deleteNamed', { title: conversation.title })} onClick={() => { if (window.confirm(t('conversations.confirmDelete'))) void props.onDelete(conversation.id); }}><TrashIcon /></button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
      {props.conversations.length === 0 ? <p className="hint">{props.query ? t('conversations.noMatches') : t('conversations.none')}</p> : null}
    </aside>
  );
}
