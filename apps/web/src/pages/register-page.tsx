import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CharterApiError } from '@charter/sdk';
import { charter } from '../client.js';
import { describeError } from '../components/error-message.js';
import { EligibilityFields } from '../components/eligibility-fields.js';
import { FormField } from '../components/form-field.js';
import { useSession } from '../session-context.js';

interface Fields {
  email: string;
  password: string;
  displayName: string;
  dateOfBirth: string;
  country: string;
  region: string;
  isTermsAccepted: boolean;
}

export function RegisterPage() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [versions, setVersions] = useState<{ terms: string; privacy: string } | null>(null);
  const [fields, setFields] = useState<Fields>({ email: '', password: '', displayName: '', dateOfBirth: '', country: '', region: '', isTermsAccepted: false });
  const [error, setError] = useState<{ message: string; param: string | null } | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  useEffect(() => {
    void charter.auth.legalVersions().then(setVersions).catch(() => setVersions(null));
  }, []);
  const set = <K extends keyof Fields>(key: K) => (value: Fields[K]) => setFields((current) => ({ ...current, [key]: value }));
  const fieldError = (param: string) => (error?.param === param ? error.message : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!versions) return;
    if (!fields.isTermsAccepted) {
      setError({ message: t('register.mustAccept'), param: 'accept_terms_version' });
      return;
    }
    setIsBusy(true);
    setError(null);
    try {
      await charter.auth.register({
        email: fields.email,
        password: fields.password,
        display_name: fields.displayName,
        date_of_birth: fields.dateOfBirth,
        country: fields.country,
        region: fields.region || null,
        accept_terms_version: versions.terms,
        accept_privacy_version: versions.privacy,
      });
      await refresh();
      navigate('/');
    } catch (caught) {
      setError({ message: describeError(caught, t('common.unexpectedError')), param: caught instanceof CharterApiError ? caught.param : null });
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="register-title">
      <h1 id="register-title">{t('register.title')}</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <FormField label={t('fields.displayName')} autoComplete="name" required value={fields.displayName} onChange={(event) => set('displayName')(event.target.value)} error={fieldError('display_name')} />
        <FormField label={t('fields.email')} type="email" autoComplete="email" required value={fields.email} onChange={(event) => set('email')(event.target.value)} error={fieldError('email')} />
        <FormField label={t('fields.password')} type="password" autoComplete="new-password" required hint={t('register.passwordHint')} value={fields.password} onChange={(event) => set('password')(event.target.value)} error={fieldError('password')} />
        <EligibilityFields values={fields} onChange={(key, value) => setFields((current) => ({ ...current, [key]: value }))} fieldError={fieldError} versions={versions} />
        {error && !['display_name', 'email', 'password', 'date_of_birth', 'country', 'region'].includes(error.param ?? '') ? <p className="error" role="alert">{error.message}</p> : null}
        <button type="submit" disabled={isBusy || !versions}>{t('register.submit')}</button>
      </form>
      <p>{t('register.haveAccount')} <Link to="/sign-in">{t('nav.signIn')}</Link></p>
    </section>
  );
}
