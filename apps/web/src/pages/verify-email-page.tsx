import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { useSession } from '../session-context.js';
import { useFragmentToken } from './use-fragment-token.js';

export function VerifyEmailPage() {
  const { t } = useTranslation();
  const token = useFragmentToken();
  const { refresh } = useSession();
  const [state, setState] = useState<'working' | 'done' | { error: unknown }>('working');
  const hasRun = useRef(false);
  useEffect(() => {
    if (!token || hasRun.current) return;
    hasRun.current = true;
    void charter.auth
      .verifyEmail(token)
      .then(() => refresh().catch(() => undefined))
      .then(() => setState('done'))
      .catch((error: unknown) => setState({ error }));
  }, [token, refresh]);
  return (
    <section className="card narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">{t('verify.title')}</h1>
      {!token ? <p role="alert" className="error">{t('common.missingToken')}</p> : null}
      {token && state === 'working' ? <p role="status">{t('common.loading')}</p> : null}
      {state === 'done' ? <p role="status">{t('verify.done')} <Link to="/">{t('verify.continue')}</Link></p> : null}
      {typeof state === 'object' ? <ErrorMessage error={state.error} /> : null}
    </section>
  );
}
