import type { ShareBody } from '@charter/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';

/** CON-2: the links I shared, with revoke. */
export function SharedLinksSettings() {
  const { t, i18n } = useTranslation();
  const [shares, setShares] = useState<ShareBody[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => charter.shares.list().then((list) => setShares(list.data), setError), []);
  useEffect(() => {
    void load();
  }, [load]);
  const revoke = async (shareId: string) => {
    await charter.shares.revoke(shareId).catch(setError);
    await load();
  };
  return (
    <section aria-labelledby="shares-title">
      <h1 id="shares-title">{t('settings.sharedLinks')}</h1>
      <ErrorMessage error={error} />
      {shares.length === 0 ? <p>{t('share.none')}</p> : null}
      <ul className="plain-list">
        {shares.map((share) => (
          <li key={share.id}>
            <span>
              <strong>{share.title || t('conversations.untitled')}</strong> · {new Date(share.created_at).toLocaleString(i18n.language)}
              {share.revoked_at ? null : <> · <a href={share.url}>{t('share.open')}</a></>}
            </span>
            {share.revoked_at ? <span className="badge">{t('apiKeys.revoked')}</span> : (
              <button type="button" className="secondary" aria-label={t('share.revokeNamed', { title: share.title })} onClick={() => void revoke(share.id)}>{t('apiKeys.revoke')}</button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
