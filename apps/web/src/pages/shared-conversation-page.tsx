import type { PublicSharedConversationBody } from '@charter/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { charter } from '../client.js';
import { AiLabel } from '../components/ai-label.js';
import { ErrorMessage } from '../components/error-message.js';
import { LazyMarkdownMessage } from '../components/lazy-markdown-message.js';

/** CON-2: a read-only snapshot anyone with the link can read; nothing of the owner is shown. */
export function SharedConversationPage() {
  const { t, i18n } = useTranslation();
  const { token } = useParams();
  const [shared, setShared] = useState<PublicSharedConversationBody | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (token) charter.shares.open(token).then(setShared, setError);
  }, [token]);
  if (error) return <section className="card narrow"><h1>{t('share.unavailableTitle')}</h1><ErrorMessage error={error} /></section>;
  if (!shared) return <p role="status">{t('common.loading')}</p>;
  return (
    <article className="shared-conversation" aria-labelledby="shared-title">
      <h1 id="shared-title">{shared.title || t('conversations.untitled')}</h1>
      <p className="banner" role="note">{t('share.publicBanner', { date: new Date(shared.created_at).toLocaleDateString(i18n.language) })} <AiLabel /></p>
      <ol className="messages">
        {shared.messages.map((message, index) => (
          <li key={index} className={`message ${message.role}`}>
            <div className="message-meta">
              <span className="author">{message.role === 'user' ? t('share.person') : t('chat.assistant')}</span>
              {message.ai_generated ? <AiLabel /> : null}
            </div>
            {message.role === 'assistant' ? <LazyMarkdownMessage text={message.content} /> : <p className="user-text">{message.content}</p>}
          </li>
        ))}
      </ol>
    </article>
  );
}
