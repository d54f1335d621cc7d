import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { useSession } from '../session-context.js';
import { useFragmentToken } from './use-fragment-token.js';

/** ACC-8 "This wasn't me" from the link in a new-sign-in email; asks before it locks the account. */
export function ReportCompromisePage() {
  const { t } = useTranslation();
  const token = useFragmentToken();
  const { refresh } = useSession();
  const [isDone, setIsDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const report = async () => {
    if (!token) return;
    try {
      await charter.auth.reportCompromiseByLink(token);
      setIsDone(true);
      await refresh().catch(() => undefined);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="card narrow" aria-labelledby="compromise-title">
      <h1 id="compromise-title">{t('compromise.title')}</h1>
      {isDone ? (
        <p role="status">{t('compromise.done')}</p>
      ) : (
        <>
          <p>{t('compromise.explain')}</p>
          {!token ? <p className="error" role="alert">{t('common.missingToken')}</p> : null}
          <ErrorMessage error={error} />
          <button type="button" className="danger" disabled={!token} onClick={() => void report()}>{t('compromise.confirm')}</button>
        </>
      )}
    </section>
  );
}
