import type { SsoProviderBody } from '@charter/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';

/** The configured identity providers (ACC-5). Each is a plain link: the round trip is a full-page navigation. */
export function SsoButtons({ returnTo, onProviders }: { returnTo: string; onProviders?: (providers: SsoProviderBody[]) => void }) {
  const { t } = useTranslation();
  const [providers, setProviders] = useState<SsoProviderBody[]>([]);
  useEffect(() => {
    void charter.sso
      .providers()
      .then((list) => {
        setProviders(list.data);
        onProviders?.(list.data);
      })
      .catch(() => setProviders([]));
  }, [onProviders]);
  if (providers.length === 0) return null;
  return (
    <div className="sso-buttons" role="group" aria-label={t('sso.groupLabel')}>
      <p className="divider"><span>{t('sso.or')}</span></p>
      {providers.map((provider) => (
        <a key={provider.id} className="button-link sso-button" href={charter.sso.startUrl(provider.id, { intent: 'sign_in', returnTo })}>
          {t('sso.continueWith', { provider: provider.display_name })}
        </a>
      ))}
    </div>
  );
}
