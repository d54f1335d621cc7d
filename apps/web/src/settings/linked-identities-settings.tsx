import type { SsoIdentityBody, SsoProviderBody } from '@charter/contracts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { ReauthenticationPasswordField } from '../components/reauthentication-password-field.js';
import { readSsoFragment } from '../pages/sso-fragment.js';
import { useUser } from '../session-context.js';

/** Sign-in providers linked to the account (ACC-5): link another (a round trip with intent=link), unlink one. */
export function LinkedIdentitiesSettings() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const location = useLocation();
  const [providers, setProviders] = useState<SsoProviderBody[]>([]);
  const [identities, setIdentities] = useState<SsoIdentityBody[] | null>(null);
  const [unlinking, setUnlinking] = useState<SsoIdentityBody | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fragment = readSsoFragment(location.hash);
  const load = useCallback(() => charter.sso.identities().then((list) => setIdentities(list.data)).catch(setError), []);
  useEffect(() => {
    void load();
    void charter.sso.providers().then((list) => setProviders(list.data)).catch(() => setProviders([]));
  }, [load]);

  const nameOf = (providerId: string) => providers.find((provider) => provider.id === providerId)?.display_name ?? providerId;
  const linkedIds = new Set(identities?.map((identity) => identity.provider));
  const unlinked = providers.filter((provider) => !linkedIds.has(provider.id));
  const startUnlink = (identity: SsoIdentityBody | null) => {
    setUnlinking(identity);
    setPassword('');
    setCode('');
    setError(null);
  };
  const unlink = async (event: FormEvent) => {
    event.preventDefault();
    if (!unlinking) return;
    setError(null);
    try {
      await charter.sso.unlink(unlinking.id, { password: password === '' ? null : password, code: code === '' ? null : code });
      setNotice(t('linked.unlinked', { provider: nameOf(unlinking.provider) }));
      startUnlink(null);
      await load();
    } catch (caught) {
      setError(caught);
    }
  };
  // Nothing to show on a server without providers and an account without identities.
  if (providers.length === 0 && (identities?.length ?? 0) === 0 && !fragment.errorKey) return null;
  const formatDate = (iso: string) => new Date(iso).toLocaleDateString(i18n.language);

  return (
    <section aria-labelledby="linked-title" className="settings-section">
      <h2 id="linked-title">{t('linked.title')}</h2>
      <p>{t('linked.explain')}</p>
      {fragment.linkedProvider ? <p role="status" className="notice">{t('linked.linked', { provider: nameOf(fragment.linkedProvider) })}</p> : null}
      {fragment.errorKey ? <p role="alert" className="error">{t(fragment.errorKey, { provider: nameOf(fragment.provider ?? '') })}</p> : null}
      {notice ? <p role="status">{notice}</p> : null}
      {identities && identities.length === 0 ? <p>{t('linked.none')}</p> : null}
      <ul className="plain-list">
        {identities?.map((identity) => (
          <li key={identity.id}>
            <span>
              <strong>{nameOf(identity.provider)}</strong>
              {identity.email ? ` · ${identity.email}` : ''} · {t('linked.since', { when: formatDate(identity.created_at) })}
              {identity.last_used_at ? ` · ${t('linked.lastUsed', { when: formatDate(identity.last_used_at) })}` : ''}
            </span>
            <button type="button" className="secondary" onClick={() => startUnlink(identity)}>{t('linked.unlinkNamed', { provider: nameOf(identity.provider) })}</button>
          </li>
        ))}
      </ul>
      {unlinking ? (
        <form onSubmit={(event) => void unlink(event)} aria-label={t('linked.unlinkNamed', { provider: nameOf(unlinking.provider) })}>
          <p>{t('linked.unlinkExplain', { provider: nameOf(unlinking.provider) })}</p>
          <ReauthenticationPasswordField value={password} onChange={setPassword} isRequired />
          {user.two_factor_enabled ? <FormField label={t('twoFactor.code')} autoComplete="one-time-code" spellCheck={false} required value={code} onChange={(event) => setCode(event.target.value)} /> : null}
          <ErrorMessage error={error} />
          <div className="button-row">
            <button type="submit" className="danger">{t('linked.unlink')}</button>
            <button type="button" className="secondary" onClick={() => startUnlink(null)}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : (
        <ErrorMessage error={error} />
      )}
      {unlinked.length > 0 ? (
        <>
          <div className="button-row">
            {unlinked.map((provider) => (
              <a key={provider.id} className="button-link" href={charter.sso.startUrl(provider.id, { intent: 'link', returnTo: '/settings/security' })}>{t('linked.link', { provider: provider.display_name })}</a>
            ))}
          </div>
          <p className="hint">{t('linked.linkHint')}</p>
        </>
      ) : null}
    </section>
  );
}
