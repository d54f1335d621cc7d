import type { SsoProviderBody } from '@charter/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { SsoButtons } from '../components/sso-buttons.js';
import { useSession } from '../session-context.js';
import { readSsoFragment } from './sso-fragment.js';

/** Only local paths are followed after sign-in (no open redirect). */
export function safeReturnPath(value: string | null): string {
  // `//host` and `/\host` are other sites to a browser.
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

export function SignInPage() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const location = useLocation();
  const ssoFragment = readSsoFragment(location.hash);
  const [providers, setProviders] = useState<SsoProviderBody[]>([]);
  const returnTo = safeReturnPath(search.get('return_to'));
  const providerName = providers.find((provider) => provider.id === ssoFragment.provider)?.display_name ?? ssoFragment.provider ?? '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const result = await charter.auth.signIn({ email, password });
      if (result.status === 'second_factor_required') {
        navigate(`/sign-in/second-factor#${new URLSearchParams({ challenge: result.challenge_token, return_to: returnTo }).toString()}`);
        return;
      }
      await refresh();
      navigate(returnTo);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      {ssoFragment.errorKey ? <p className="error" role="alert">{t(ssoFragment.errorKey, { provider: providerName })}</p> : null}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <FormField label={t('fields.email')} type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <FormField label={t('fields.password')} type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={isBusy}>{t('signIn.submit')}</button>
      </form>
      <SsoButtons returnTo={returnTo} onProviders={setProviders} />
      <p><Link to="/forgot-password">{t('signIn.forgot')}</Link></p>
      <p>{t('signIn.noAccount')} <Link to="/register">{t('signIn.register')}</Link></p>
    </section>
  );
}
