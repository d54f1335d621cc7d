import type { TwoFactorSetupBody, TwoFactorStatusBody } from '@charter/contracts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { ReauthenticationPasswordField } from '../components/reauthentication-password-field.js';
import { useSession, useUser } from '../session-context.js';
import { RecoveryCodesPanel } from './recovery-codes-panel.js';

type Step = { kind: 'idle' } | { kind: 'password' } | { kind: 'scan'; setup: TwoFactorSetupBody } | { kind: 'codes'; codes: string[] } | { kind: 'regenerate' } | { kind: 'disable' };

/** Empty means "no password" (an account that signs in with a provider only); the server then asks for a recent sign-in. */
const passwordOrNull = (password: string) => (password === '' ? null : password);

/** Two-factor authentication (ACC-4): set up with an authenticator app, recovery codes, turn off. */
export function TwoFactorSettings() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const { refresh } = useSession();
  const [status, setStatus] = useState<TwoFactorStatusBody | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const load = useCallback(() => charter.twoFactor.status().then(setStatus).catch(setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  const go = (next: Step) => {
    setStep(next);
    setPassword('');
    setCode('');
    setError(null);
    setNotice(null);
  };
  const run = (action: () => Promise<void>) => async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };

  const beginSetup = run(async () => {
    const setup = await charter.twoFactor.setup({ password: passwordOrNull(password) });
    go({ kind: 'scan', setup });
  });
  const enable = run(async () => {
    const { codes } = await charter.twoFactor.enable(code);
    go({ kind: 'codes', codes });
    await Promise.all([load(), refresh()]);
  });
  const regenerate = run(async () => {
    const { codes } = await charter.twoFactor.regenerateRecoveryCodes({ password: passwordOrNull(password), code });
    go({ kind: 'codes', codes });
    await load();
  });
  const disable = run(async () => {
    await charter.twoFactor.disable({ password: passwordOrNull(password), code: code === '' ? null : code });
    go({ kind: 'idle' });
    setNotice(t('twoFactor.disabled'));
    await Promise.all([load(), refresh()]);
  });

  const passwordField = <ReauthenticationPasswordField value={password} onChange={setPassword} />;
  const codeField = (label: string, isRequired: boolean) => (
    <FormField label={label} autoComplete="one-time-code" spellCheck={false} autoCapitalize="off" required={isRequired} value={code} onChange={(event) => setCode(event.target.value)} />
  );

  return (
    <section aria-labelledby="two-factor-title" className="settings-section">
      <h2 id="two-factor-title">{t('twoFactor.title')}</h2>
      <p>{t('twoFactor.explain')}</p>
      {notice ? <p role="status">{notice}</p> : null}
      {status === null ? <p role="status">{t('common.loading')}</p> : status.enabled ? (
        <p>
          <span className="badge">{t('twoFactor.on')}</span>{' '}
          {status.enabled_at ? t('twoFactor.onSince', { when: new Date(status.enabled_at).toLocaleDateString(i18n.language) }) : null}{' '}
          {t('twoFactor.codesLeft', { count: status.recovery_codes_remaining })}
        </p>
      ) : (
        <p><span className="badge">{t('twoFactor.off')}</span></p>
      )}

      {step.kind === 'codes' ? <RecoveryCodesPanel codes={step.codes} account={user.email ?? user.display_name} onDone={() => go({ kind: 'idle' })} /> : null}

      {step.kind === 'idle' && status && !status.enabled ? <button type="button" onClick={() => go({ kind: 'password' })}>{t('twoFactor.setUp')}</button> : null}
      {step.kind === 'idle' && status?.enabled ? (
        <div className="button-row">
          <button type="button" className="secondary" onClick={() => go({ kind: 'regenerate' })}>{t('twoFactor.regenerate')}</button>
          <button type="button" className="secondary" onClick={() => go({ kind: 'disable' })}>{t('twoFactor.disable')}</button>
        </div>
      ) : null}

      {step.kind === 'password' ? (
        <form onSubmit={(event) => void beginSetup(event)} aria-label={t('twoFactor.setUp')}>
          <p>{t('twoFactor.confirmPassword')}</p>
          {passwordField}
          <ErrorMessage error={error} />
          <div className="button-row">
            <button type="submit" disabled={isBusy}>{t('twoFactor.continue')}</button>
            <button type="button" className="secondary" onClick={() => go({ kind: 'idle' })}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}

      {step.kind === 'scan' ? (
        <form onSubmit={(event) => void enable(event)} aria-label={t('twoFactor.setUp')}>
          <ol className="steps">
            <li>
              <p>{t('twoFactor.scan')}</p>
              <img className="qr-code" src={step.setup.qr_code} alt={t('twoFactor.qrAlt')} width={200} height={200} />
              <p>{t('twoFactor.manual')}</p>
              <p><code className="secret" data-testid="two-factor-secret">{step.setup.secret}</code></p>
            </li>
            <li>
              <p>{t('twoFactor.enterCode')}</p>
              {codeField(t('twoFactor.code'), true)}
            </li>
          </ol>
          <ErrorMessage error={error} />
          <div className="button-row">
            <button type="submit" disabled={isBusy}>{t('twoFactor.turnOn')}</button>
            <button type="button" className="secondary" onClick={() => go({ kind: 'idle' })}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}

      {step.kind === 'regenerate' ? (
        <form onSubmit={(event) => void regenerate(event)} aria-label={t('twoFactor.regenerate')}>
          <p>{t('twoFactor.regenerateExplain')}</p>
          {passwordField}
          {codeField(t('twoFactor.code'), true)}
          <ErrorMessage error={error} />
          <div className="button-row">
            <button type="submit" disabled={isBusy}>{t('twoFactor.regenerate')}</button>
            <button type="button" className="secondary" onClick={() => go({ kind: 'idle' })}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}

      {step.kind === 'disable' ? (
        <form onSubmit={(event) => void disable(event)} aria-label={t('twoFactor.disable')}>
          <p>{t('twoFactor.disableExplain')}</p>
          {codeField(t('twoFactor.codeOrRecovery'), false)}
          {passwordField}
          <ErrorMessage error={error} />
          <div className="button-row">
            <button type="submit" className="danger" disabled={isBusy}>{t('twoFactor.disable')}</button>
            <button type="button" className="secondary" onClick={() => go({ kind: 'idle' })}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
