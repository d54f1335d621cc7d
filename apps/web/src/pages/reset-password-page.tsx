import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useFragmentToken } from './use-fragment-token.js';

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const token = useFragmentToken();
  const [password, setPassword] = useState('');
  const [isDone, setIsDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token) return;
    setError(null);
    try {
      await charter.auth.confirmPasswordReset(token, password);
      setIsDone(true);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">{t('reset.title')}</h1>
      {!token ? <p className="error" role="alert">{t('common.missingToken')} <Link to="/forgot-password">{t('reset.requestNew')}</Link></p> : null}
      {isDone ? (
        <p role="status">{t('reset.done')} <Link to="/sign-in">{t('nav.signIn')}</Link></p>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <FormField label={t('fields.newPassword')} type="password" autoComplete="new-password" required hint={t('register.passwordHint')} value={password} onChange={(event) => setPassword(event.target.value)} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={!token}>{t('reset.submit')}</button>
        </form>
      )}
    </section>
  );
}
