import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useSession } from '../session-context.js';

/** Only local paths are followed after sign-in (no open redirect). */
export function safeReturnPath(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const result = await charter.auth.signIn({ email, password });
      if (result.status === 'second_factor_required') {
        navigate(`/sign-in/second-factor#challenge=${encodeURIComponent(result.challenge_token)}`);
        return;
      }
      await refresh();
      navigate(safeReturnPath(search.get('return_to')));
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <FormField label={t('fields.email')} type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <FormField label={t('fields.password')} type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={isBusy}>{t('signIn.submit')}</button>
      </form>
      <p><Link to="/forgot-password">{t('signIn.forgot')}</Link></p>
      <p>{t('signIn.noAccount')} <Link to="/register">{t('signIn.register')}</Link></p>
    </section>
  );
}
