import type { OrganizationBody, OrganizationInvitationBody, OrganizationMemberBody } from '@charter/contracts';
import { CharterApiError } from '@charter/sdk';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { charter } from '../client.js';
import { ErrorMessage } from '../components/error-message.js';
import { FormField } from '../components/form-field.js';
import { useActingOrganization } from '../organizations/acting-organization.js';
import { isAllowed } from '../organizations/organization-permissions.js';
import { useUser } from '../session-context.js';
import { OrganizationInvitations } from './organization-invitations.js';
import { OrganizationMembers } from './organization-members.js';

interface Loaded {
  organization: OrganizationBody;
  members: OrganizationMemberBody[];
  /** Only for roles that may invite; others never see them. */
  invitations: OrganizationInvitationBody[];
}

/** One organisation: rename, members and roles, invitations, delete; only what my role allows is offered. */
export function OrganizationSettings() {
  const { t } = useTranslation();
  const { organizationId = '' } = useParams();
  const user = useUser();
  const navigate = useNavigate();
  const { acting, select, reload: reloadOrganizations } = useActingOrganization();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');

  const load = useCallback(async () => {
    const organization = await charter.organizations.retrieve(organizationId);
    const [members, invitations] = await Promise.all([
      charter.organizations.members.list(organizationId),
      isAllowed(organization.role, 'members.invite') ? charter.organizations.invitations.list(organizationId) : Promise.resolve({ data: [] }),
    ]);
    setLoaded({ organization, members: members.data, invitations: invitations.data });
  }, [organizationId]);

  useEffect(() => {
    setLoaded(null);
    setLoadError(null);
    void load().catch(setLoadError);
  }, [load]);

  const changed = async (text: string, options: { hasLeft?: boolean } = {}) => {
    setError(null);
    if (options.hasLeft) {
      if (acting?.id === organizationId) select(null);
      await reloadOrganizations();
      navigate('/settings/organizations');
      return;
    }
    setMessage(text);
    await Promise.all([load(), reloadOrganizations()]);
  };
  const failed = (caught: unknown) => {
    setMessage('');
    setError(caught);
  };

  if (loadError) {
    const isMissing = loadError instanceof CharterApiError && loadError.status === 404;
    return (
      <section aria-labelledby="organization-title">
        <h1 id="organization-title">{t('organizations.title')}</h1>
        {isMissing ? <p className="error" role="alert">{t('organizations.notFound')}</p> : <ErrorMessage error={loadError} />}
        <p><Link to="/settings/organizations">{t('organizations.back')}</Link></p>
      </section>
    );
  }
  if (!loaded) return <p role="status">{t('common.loading')}</p>;
  const { organization } = loaded;
  return (
    <section aria-labelledby="organization-title" className="organization">
      <p><Link to="/settings/organizations">{t('organizations.back')}</Link></p>
      <h1 id="organization-title">{organization.name}</h1>
      <p>{t('organizations.yourRole', { role: t(`roles.${organization.role}`) })}</p>
      <p role="status" className="status-message">{message}</p>
      <ErrorMessage error={error} />
      {isAllowed(organization.role, 'organization.update') ? <RenameOrganization key={organization.name} organization={organization} onChanged={changed} onError={failed} /> : null}
      <OrganizationMembers organization={organization} members={loaded.members} myUserId={user.id} onChanged={changed} onError={failed} />
      {isAllowed(organization.role, 'members.invite') ? <OrganizationInvitations organization={organization} invitations={loaded.invitations} onChanged={changed} onError={failed} /> : null}
      {isAllowed(organization.role, 'organization.delete') ? <DeleteOrganization organization={organization} onError={failed} /> : null}
    </section>
  );
}

function RenameOrganization({ organization, onChanged, onError }: { organization: OrganizationBody; onChanged: (message: string) => Promise<void>; onError: (error: unknown) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(organization.name);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const renamed = await charter.organizations.rename(organization.id, name.trim());
      await onChanged(t('organizations.renamed', { name: renamed.name }));
    } catch (error) {
      onError(error);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="inline-form" aria-label={t('organizations.renameTitle')}>
      <FormField label={t('organizations.name')} value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
      <div className="field">
        <button type="submit" className="secondary" disabled={!name.trim() || name.trim() === organization.name}>{t('organizations.rename')}</button>
      </div>
    </form>
  );
}

function DeleteOrganization({ organization, onError }: { organization: OrganizationBody; onError: (error: unknown) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { acting, select, reload } = useActingOrganization();
  const [isConfirming, setIsConfirming] = useState(false);
  const remove = async () => {
    try {
      await charter.organizations.delete(organization.id);
      if (acting?.id === organization.id) select(null);
      await reload();
      navigate('/settings/organizations');
    } catch (error) {
      onError(error);
    }
  };
  return (
    <section aria-labelledby="organization-delete-title" className="danger-zone">
      <h2 id="organization-delete-title">{t('organizations.deleteTitle')}</h2>
      <p>{t('organizations.deleteExplain')}</p>
      {isConfirming ? (
        <div className="button-row">
          <button type="button" className="danger" onClick={() => void remove()}>{t('organizations.confirmDelete', { name: organization.name })}</button>
          <button type="button" className="secondary" onClick={() => setIsConfirming(false)}>{t('organizations.cancel')}</button>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setIsConfirming(true)}>{t('organizations.delete')}</button>
      )}
    </section>
  );
}
