import type { OrganizationBody, OrganizationInvitationBody, OrganizationRole } from '@charter/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { FormField } from '../components/form-field.js';
import { assignableRoles } from '../organizations/organization-permissions.js';

interface InvitationsProps {
  organization: OrganizationBody;
  invitations: readonly OrganizationInvitationBody[];
  onChanged: (message: string) => Promise<void>;
  onError: (error: unknown) => void;
}

/** Invite by email with a role (the link is emailed), and the pending invitations, each revocable. */
export function OrganizationInvitations({ organization, invitations, onChanged, onError }: InvitationsProps) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrganizationRole>('developer');
  const [isBusy, setIsBusy] = useState(false);
  const roleId = useId();

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    try {
      const invitation = await charter.organizations.invitations.create(organization.id, { email: email.trim(), role });
      setEmail('');
      await onChanged(t('organizations.invitationSent', { email: invitation.email }));
    } catch (error) {
      onError(error);
    } finally {
      setIsBusy(false);
    }
  };

  const revoke = async (invitation: OrganizationInvitationBody) => {
    try {
      await charter.organizations.invitations.revoke(organization.id, invitation.id);
      await onChanged(t('organizations.invitationRevoked', { email: invitation.email }));
    } catch (error) {
      onError(error);
    }
  };

  return (
    <section aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t('organizations.invitations')}</h2>
      <form onSubmit={(event) => void invite(event)} className="inline-form" aria-label={t('organizations.inviteTitle')}>
        <FormField label={t('fields.email')} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} required maxLength={254} />
        <div className="field">
          <label htmlFor={roleId}>{t('organizations.role')}</label>
          <select id={roleId} value={role} onChange={(event) => setRole(event.target.value as OrganizationRole)}>
            {assignableRoles(organization.role).map((option) => <option key={option} value={option}>{t(`roles.${option}`)}</option>)}
          </select>
        </div>
        <div className="field">
          <button type="submit" disabled={isBusy || !email.trim()}>{t('organizations.invite')}</button>
        </div>
      </form>
      {invitations.length === 0 ? <p className="hint">{t('organizations.noInvitations')}</p> : (
        <table aria-labelledby="invitations-title">
          <thead>
            <tr>
              <th scope="col">{t('fields.email')}</th>
              <th scope="col">{t('organizations.role')}</th>
              <th scope="col"><span className="visually-hidden">{t('organizations.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id}>
                <td>
                  <span className="member-email">{invitation.email}</span>
                  <span className="hint member-email">{t('organizations.expiresOn', { date: new Date(invitation.expires_at).toLocaleDateString(i18n.language) })}</span>
                </td>
                <td>{t(`roles.${invitation.role}`)}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => void revoke(invitation)} aria-label={t('organizations.revokeInvitationFor', { email: invitation.email })}>{t('organizations.revokeInvitation')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
