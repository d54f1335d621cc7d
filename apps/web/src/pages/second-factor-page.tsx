import { CharterApiError } from '@charter/sdk';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useSession } from '../session-context.js';
import { safeReturnPath } from './sign-in-page.js';

/**
 * The second step of a sign-in (ACC-4): `/sign-in/second-factor#challenge=…&return_to=…`, reached from the
 * password form or from an SSO round trip. The challenge lives five minutes and only in this browser.
 */
export function SecondFactorPage() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const { challenge, returnTo } = useMemo(() => {
    const parameters = new URLSearchParams(location.hash.replace(/^#/, ''));
    return { challenge: parameters.get('challenge'), returnTo: safeReturnPath(parameters.get('return_to')) };
  }, [location.hash]);
  const [isRecovery, setIsRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  // A used, expired or foreign challenge cannot be retried: only a new sign-in helps.
  const isChallengeGone = error instanceof CharterApiError && error.param === 'challenge_token';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!challenge) return;
    setIsBusy(true);
    setError(null);
    try {
      await charter.auth.signInSecondFactor({ challenge_token: challenge, code });
      await refresh();
      navigate(returnTo, { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="second-factor-title">
      <h1 id="second-factor-title">{t('secondFactor.title')}</h1>
      {!challenge ? (
        <p className="error" role="alert">{t('secondFactor.missing')}</p>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <p>{isRecovery ? t('secondFactor.recoveryExplain') : t('secondFactor.explain')}</p>
          <FormField
            key={isRecovery ? 'recovery' : 'totp'}
            label={isRecovery ? t('secondFactor.recoveryCode') : t('twoFactor.code')}
            autoComplete="one-time-code"
            inputMode={isRecovery ? 'text' : 'numeric'}
            spellCheck={false}
            autoCapitalize="off"
            autoFocus
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
          <ErrorMessage error={error} />
          <button type="submit" disabled={isBusy || isChallengeGone}>{t('secondFactor.submit')}</button>
          <p>
            <button type="button" className="link-button" onClick={() => { setIsRecovery(!isRecovery); setCode(''); setError(null); }}>
              {isRecovery ? t('secondFactor.useApp') : t('secondFactor.useRecovery')}
            </button>
          </p>
        </form>
      )}
      <p><Link to={`/sign-in?return_to=${encodeURIComponent(returnTo)}`}>{t('secondFactor.startOver')}</Link></p>
    </section>
  );
}
