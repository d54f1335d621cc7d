import { CharterApiError } from '@charter/sdk';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { useActingOrganization } from '../organizations/acting-organization.js';
import { useSession } from '../session-context.js';
import { useFragmentToken } from './use-fragment-token.js';

// The token waits here while the person signs in: sending it through `?return_to=` would put it in a URL the
// server logs, which the fragment link exists to avoid.
const pendingKey = 'charter.pendingInvitation';

function usePendingToken(): string | null {
  const fromLink = useFragmentToken();
  return fromLink ?? globalThis.sessionStorage?.getItem(pendingKey) ?? null;
}

/** Explanations for the refusals the server gives, in the page's language. */
function refusalKey(error: unknown): string | null {
  if (!(error instanceof CharterApiError)) return null;
  if (error.code === 'email_not_verified') return 'invitation.notVerified';
  if (error.status === 403) return 'invitation.wrongAccount';
  if (error.code === 'invalid_token') return 'invitation.invalid';
  if (error.status === 409) return 'invitation.alreadyMember';
  return null;
}

/** `/invitations#token=…` from the invitation email: signed in with the invited, verified address → accept. */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const token = usePendingToken();
  const { state, signOut } = useSession();
  const { reload } = useActingOrganization();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);

  useEffect(() => {
    if (token) globalThis.sessionStorage?.setItem(pendingKey, token);
  }, [token]);

  const accept = async () => {
    if (!token) return;
    setIsBusy(true);
    setError(null);
    try {
      const organization = await charter.organizations.invitations.accept(token);
      globalThis.sessionStorage?.removeItem(pendingKey);
      await reload();
      navigate(`/settings/organizations/${encodeURIComponent(organization.id)}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };

  const refusal = refusalKey(error);
  return (
    <section className="card narrow" aria-labelledby="invitation-title">
      <h1 id="invitation-title">{t('invitation.title')}</h1>
      {!token ? <p role="alert" className="error">{t('common.missingToken')}</p> : null}
      {token && state.status === 'loading' ? <p role="status">{t('common.loading')}</p> : null}
      {token && state.status === 'signed_out' ? (
        <>
          <p>{t('invitation.signInFirst')}</p>
          <p className="button-row">
            <Link to="/sign-in?return_to=%2Finvitations">{t('nav.signIn')}</Link>
            <Link to="/register">{t('nav.register')}</Link>
          </p>
        </>
      ) : null}
      {token && state.status === 'signed_in' ? (
        <>
          <p>{t('invitation.signedInAs', { email: state.user.email ?? '' })}</p>
          {refusal ? <p role="alert" className="error">{t(refusal, { email: state.user.email ?? '' })}</p> : <ErrorMessage error={error} />}
          <div className="button-row">
            {refusal === null || refusal === 'invitation.notVerified' ? <button type="button" onClick={() => void accept()} disabled={isBusy}>{t('invitation.accept')}</button> : null}
            {refusal === 'invitation.alreadyMember' ? <Link to="/settings/organizations">{t('organizations.title')}</Link> : null}
            {refusal === 'invitation.wrongAccount' ? (
              <button type="button" className="secondary" onClick={() => void signOut().then(() => navigate('/sign-in?return_to=%2Finvitations'))}>{t('invitation.switchAccount')}</button>
            ) : null}
            {refusal === 'invitation.notVerified' ? <Link to="/settings/profile">{t('invitation.verifyLink')}</Link> : null}
          </div>
        </>
      ) : null}
    </section>
  );
}
