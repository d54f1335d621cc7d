import type { SsoPendingRegistrationBody } from '@charter/contracts';
import { CharterApiError } from '@charter/sdk';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { charter } from '../client.js';
import { describeError, ErrorMessage } from '../components/error-message.js';
import { EligibilityFields } from '../components/eligibility-fields.js';
import { FormField } from '../components/form-field.js';
import { useSession } from '../session-context.js';
import { useFragmentToken } from './use-fragment-token.js';

interface Fields {
  displayName: string;
  dateOfBirth: string;
  country: string;
  region: string;
  isTermsAccepted: boolean;
}

/**
 * `/register/sso#token=…`: a new identity from a provider becomes an account (ACC-5). The provider vouched for
 * the email; the person still attests their age and country and accepts the terms, like every registration.
 */
export function SsoRegisterPage() {
  const { t } = useTranslation();
  const token = useFragmentToken();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [pending, setPending] = useState<SsoPendingRegistrationBody | null>(null);
  const [providerName, setProviderName] = useState<string | null>(null);
  const [versions, setVersions] = useState<{ terms: string; privacy: string } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [fields, setFields] = useState<Fields>({ displayName: '', dateOfBirth: '', country: '', region: '', isTermsAccepted: false });
  const [error, setError] = useState<{ message: string; param: string | null } | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => {
    if (!token) return;
    void charter.sso
      .previewRegistration(token)
      .then((preview) => {
        setPending(preview);
        setFields((current) => ({ ...current, displayName: current.displayName || (preview.name ?? '') }));
        return charter.sso.providers().then((list) => setProviderName(list.data.find((provider) => provider.id === preview.provider)?.display_name ?? preview.provider));
      })
      .catch(setLoadError);
    void charter.auth.legalVersions().then(setVersions).catch(() => setVersions(null));
  }, [token]);
  const set = <K extends keyof Fields>(key: K) => (value: Fields[K]) => setFields((current) => ({ ...current, [key]: value }));
  const fieldError = (param: string) => (error?.param === param ? error.message : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token || !versions) return;
    if (!fields.isTermsAccepted) {
      setError({ message: t('register.mustAccept'), param: 'accept_terms_version' });
      return;
    }
    setIsBusy(true);
    setError(null);
    try {
      await charter.sso.register({
        token,
        display_name: fields.displayName,
        date_of_birth: fields.dateOfBirth,
        country: fields.country,
        region: fields.region || null,
        accept_terms_version: versions.terms,
        accept_privacy_version: versions.privacy,
      });
      await refresh();
      navigate('/', { replace: true });
    } catch (caught) {
      setError({ message: describeError(caught, t('common.unexpectedError')), param: caught instanceof CharterApiError ? caught.param : null });
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="sso-register-title">
      <h1 id="sso-register-title">{t('ssoRegister.title')}</h1>
      {!token ? <p role="alert" className="error">{t('ssoRegister.missing')}</p> : null}
      {loadError ? (
        <>
          <ErrorMessage error={loadError} />
          <p><Link to="/sign-in">{t('ssoRegister.backToSignIn')}</Link></p>
        </>
      ) : null}
      {token && !pending && !loadError ? <p role="status">{t('common.loading')}</p> : null}
      {pending ? (
        <>
          <p data-testid="sso-register-identity">
            {t('ssoRegister.identity', { provider: providerName ?? pending.provider, email: pending.email ?? '' })}{' '}
            {pending.email_verified ? <span className="badge">{t('profile.verified')}</span> : null}
          </p>
          {!pending.email_verified ? <p className="hint">{t('ssoRegister.willVerify')}</p> : null}
          <form onSubmit={(event) => void submit(event)} noValidate>
            <FormField label={t('fields.displayName')} autoComplete="name" required value={fields.displayName} onChange={(event) => set('displayName')(event.target.value)} error={fieldError('display_name')} />
            <EligibilityFields values={fields} onChange={(key, value) => setFields((current) => ({ ...current, [key]: value }))} fieldError={fieldError} versions={versions} />
            {error && !['display_name', 'date_of_birth', 'country', 'region'].includes(error.param ?? '') ? <p className="error" role="alert">{error.message}</p> : null}
            <button type="submit" disabled={isBusy || !versions}>{t('register.submit')}</button>
          </form>
        </>
      ) : null}
    </section>
  );
}
