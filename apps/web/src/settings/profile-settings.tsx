import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useSession, useUser } from '../session-context.js';
import { CustomerProfileSettings } from './customer-profile-settings.js';

export function ProfileSettings() {
  const { t } = useTranslation();
  const user = useUser();
  const { refresh } = useSession();
  const [displayName, setDisplayName] = useState(user.display_name);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await charter.account.update({ display_name: displayName });
      await refresh();
      setStatus(t('common.saved'));
    } catch (caught) {
      setError(caught);
    }
  };
  const resend = async () => {
    try {
      await charter.account.resendVerification();
      setStatus(t('profile.verificationSent'));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">{t('settings.profile')}</h1>
      <p>
        {t('fields.email')}: <strong>{user.email}</strong>{' '}
        {user.email_verified ? <span className="badge">{t('profile.verified')}</span> : <button type="button" className="link-button" onClick={() => void resend()}>{t('profile.resend')}</button>}
      </p>
      <form onSubmit={(event) => void save(event)}>
        <FormField label={t('fields.displayName')} value={displayName} onChange={(event) => setDisplayName(event.target.value)} required />
        <ErrorMessage error={error} />
        {status ? <p role="status">{status}</p> : null}
        <button type="submit">{t('common.save')}</button>
      </form>
      <CustomerProfileSettings />
    </section>
  );
}
