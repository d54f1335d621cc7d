import type { SessionBody } from '@charter/sdk';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { ReauthenticationPasswordField } from '../components/reauthentication-password-field.js';
import { useSession, useUser } from '../session-context.js';
import { LinkedIdentitiesSettings } from './linked-identities-settings.js';
import { TwoFactorSettings } from './two-factor-settings.js';

export function SecuritySettings() {
  const { t, i18n } = useTranslation();
  const { refresh } = useSession();
  const user = useUser();
  const navigate = useNavigate();
  const [sessions, setSessions] = useState<SessionBody[]>([]);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [deletePassword, setDeletePassword] = useState('');
  const [deleteCode, setDeleteCode] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => charter.account.sessions().then((list) => setSessions(list.data)).catch(setError), []);
  useEffect(() => {
    void load();
  }, [load]);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setError(null);
    setStatus(null);
    try {
      await action();
      setStatus(done);
      await load();
    } catch (caught) {
      setError(caught);
    }
  };
  const changePassword = (event: FormEvent) => {
    event.preventDefault();
    void run(() => charter.account.changePassword({ current_password: currentPassword, new_password: newPassword }), t('security.passwordChanged'));
  };
  const formatDate = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  const email = user.email;
  return (
    <section aria-labelledby="security-title">
      <h1 id="security-title">{t('settings.security')}</h1>
      <ErrorMessage error={error} />
      {status ? <p role="status">{status}</p> : null}

      {user.has_password ? (
        <>
          <h2>{t('security.changePassword')}</h2>
          <form onSubmit={changePassword}>
            <FormField label={t('fields.currentPassword')} type="password" autoComplete="current-password" value={currentPassword} onChange={(event) => setCurrentPassword(event.target.value)} required />
            <FormField label={t('fields.newPassword')} type="password" autoComplete="new-password" value={newPassword} onChange={(event) => setNewPassword(event.target.value)} required />
            <button type="submit">{t('security.changePassword')}</button>
          </form>
        </>
      ) : (
        <>
          {/* An account made through a sign-in provider has no current password to type: it sets one by email link. */}
          <h2>{t('security.setPassword')}</h2>
          <p>{t('security.noPasswordExplain')}</p>
          {email ? (
            <button type="button" onClick={() => void run(() => charter.auth.requestPasswordReset(email), t('security.setPasswordLinkSent', { email }))}>{t('security.emailSetPasswordLink')}</button>
          ) : null}
        </>
      )}

      <TwoFactorSettings />
      <LinkedIdentitiesSettings />

      <h2>{t('security.sessions')}</h2>
      <ul className="plain-list">
        {sessions.map((session) => (
          <li key={session.id}>
            <span>{session.user_agent ?? t('security.unknownBrowser')} · {session.ip_address} · {t('security.lastSeen', { when: formatDate(session.last_seen_at) })}</span>
            {session.is_current ? <span className="badge">{t('security.thisSession')}</span> : (
              <button type="button" className="secondary" onClick={() => void run(() => charter.account.revokeSession(session.id), t('security.sessionEnded'))}>{t('security.endSession')}</button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={() => void run(() => charter.account.revokeOtherSessions(), t('security.othersEnded'))}>{t('security.endOthers')}</button>

      <h2>{t('security.compromiseTitle')}</h2>
      <p>{t('compromise.explain')}</p>
      <button type="button" className="danger" onClick={() => void run(async () => { await charter.account.reportCompromise(); await refresh().catch(() => undefined); navigate('/sign-in'); }, t('compromise.done'))}>{t('compromise.confirm')}</button>

      <h2>{t('security.deleteTitle')}</h2>
      <p>{t('security.deleteExplain')}</p>
      <form onSubmit={(event) => { event.preventDefault(); void run(async () => { await charter.account.delete({ password: deletePassword === '' ? null : deletePassword, code: user.two_factor_enabled ? deleteCode : null }); await refresh().catch(() => undefined); navigate('/sign-in'); }, t('security.deleted')); }}>
        <ReauthenticationPasswordField value={deletePassword} onChange={setDeletePassword} isRequired />
        {user.two_factor_enabled ? <FormField label={t('twoFactor.code')} autoComplete="one-time-code" spellCheck={false} required value={deleteCode} onChange={(event) => setDeleteCode(event.target.value)} /> : null}
        <button type="submit" className="danger">{t('security.deleteAccount')}</button>
      </form>
    </section>
  );
}
