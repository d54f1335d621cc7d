import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await charter.auth.requestPasswordReset(email);
      setMessage(t('forgot.sent'));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="card narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{t('forgot.title')}</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <FormField label={t('fields.email')} type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <ErrorMessage error={error} />
        {message ? <p role="status">{message}</p> : null}
        <button type="submit">{t('forgot.submit')}</button>
      </form>
    </section>
  );
}
