import type { ApiKeyBody } from '@charter/contracts';
import { useTranslation } from 'react-i18next';
import { daysUntilExpiry } from './key-expiry.js';

/** A key's expiry in the keys table, with a warning in its last days so nobody is surprised by a 401. */
export function KeyExpiry({ apiKey }: { apiKey: Pick<ApiKeyBody, 'expires_at' | 'revoked_at'> }) {
  const { t, i18n } = useTranslation();
  if (apiKey.expires_at === null) return <>{t('apiKeys.never')}</>;
  const daysLeft = apiKey.revoked_at === null ? daysUntilExpiry(apiKey) : null;
  return (
    <>
      {new Date(apiKey.expires_at).toLocaleString(i18n.language)}
      {daysLeft !== null && (
        <>
          <br />
          <small className="expiry-warning">{t('apiKeys.expiresSoon', { count: daysLeft })}</small>
        </>
      )}
    </>
  );
}
