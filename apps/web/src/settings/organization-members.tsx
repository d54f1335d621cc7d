import type { OrganizationBody, OrganizationMemberBody, OrganizationRole, RemoveMemberRequestBody } from '@charter/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { charter } from '../client.js';
import { assignableRoles, canManageMember, isAllowed } from '../organizations/organization-permissions.js';

interface MembersProps {
  organization: OrganizationBody;
  members: readonly OrganizationMemberBody[];
  myUserId: string;
  /** After a change: reload, announce, and (when I left) go elsewhere. */
  onChanged: (message: string, options?: { hasLeft?: boolean }) => Promise<void>;
  onError: (error: unknown) => void;
}

/** Members with their roles; owners and admins change roles and remove members, anyone may leave. */
export function OrganizationMembers({ organization, members, myUserId, onChanged, onError }: MembersProps) {
  const { t, i18n } = useTranslation();
  const [roles, setRoles] = useState<Record<string, OrganizationRole>>({});
  const [removing, setRemoving] = useState<OrganizationMemberBody | null>(null);
  const nameOf = (member: OrganizationMemberBody) => member.display_name || member.email || member.user_id;

  const saveRole = async (member: OrganizationMemberBody) => {
    const role = roles[member.user_id];
    if (!role || role === member.role) return;
    try {
      await charter.organizations.members.changeRole(organization.id, member.user_id, role);
      await onChanged(t('organizations.roleChanged', { name: nameOf(member), role: t(`roles.${role}`) }));
    } catch (error) {
      onError(error);
    }
  };

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t('organizations.members')}</h2>
      <table aria-labelledby="members-title">
        <thead>
          <tr>
            <th scope="col">{t('organizations.member')}</th>
            <th scope="col">{t('organizations.role')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => {
            const isMe = member.user_id === myUserId;
            const canManage = !isMe && canManageMember(organization.role, member.role);
            const chosen = roles[member.user_id] ?? member.role;
            return (
              <tr key={member.user_id}>
                <td>
                  <span className="member-name">{nameOf(member)}{isMe ? ` ${t('organizations.you')}` : ''}</span>
                  {member.email ? <span className="hint member-email">{member.email}</span> : null}
                  <span className="hint member-email">{t('organizations.joinedOn', { date: new Date(member.joined_at).toLocaleDateString(i18n.language) })}</span>
                </td>
                {/* Role and actions share a cell, so the table fits a phone without scrolling sideways. */}
                <td>
                  <span className="role-picker">
                    {canManage ? (
                      <>
                        <select aria-label={t('organizations.roleOf', { name: nameOf(member) })} value={chosen} onChange={(event) => setRoles({ ...roles, [member.user_id]: event.target.value as OrganizationRole })}>
                          {assignableRoles(organization.role).map((role) => <option key={role} value={role}>{t(`roles.${role}`)}</option>)}
                        </select>
                        <button type="button" className="secondary" disabled={chosen === member.role} onClick={() => void saveRole(member)} aria-label={t('organizations.saveRoleOf', { name: nameOf(member) })}>{t('organizations.saveRole')}</button>
                        <button type="button" className="secondary" onClick={() => setRemoving(member)} aria-label={t('organizations.removeNamed', { name: nameOf(member) })}>{t('organizations.remove')}</button>
                      </>
                    ) : <span className="role-name">{t(`roles.${member.role}`)}</span>}
                    {isMe ? <button type="button" className="secondary" onClick={() => setRemoving(member)}>{t('organizations.leave')}</button> : null}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {removing ? (
        <RemoveMember
          key={removing.user_id}
          organization={organization}
          member={removing}
          isMe={removing.user_id === myUserId}
          candidates={members.filter((member) => member.user_id !== removing.user_id && isAllowed(member.role, 'api_keys.create'))}
          nameOf={nameOf}
          onCancel={() => setRemoving(null)}
          onRemoved={async (message) => {
            const hasLeft = removing.user_id === myUserId;
            setRemoving(null);
            await onChanged(message, { hasLeft });
          }}
          onError={onError}
        />
      ) : null}
    </section>
  );
}

interface RemoveMemberProps {
  organization: OrganizationBody;
  member: OrganizationMemberBody;
  isMe: boolean;
  /** Members who may hold the keys instead (their role may create keys). */
  candidates: readonly OrganizationMemberBody[];
  nameOf: (member: OrganizationMemberBody) => string;
  onCancel: () => void;
  onRemoved: (message: string) => Promise<void>;
  onError: (error: unknown) => void;
}

/** The choice the server needs before removing someone: revoke their organisation keys, or hand them over. */
function RemoveMember({ organization, member, isMe, candidates, nameOf, onCancel, onRemoved, onError }: RemoveMemberProps) {
  const { t } = useTranslation();
  const [disposition, setDisposition] = useState<'revoke' | 'transfer'>('revoke');
  const [transferTo, setTransferTo] = useState(candidates[0]?.user_id ?? '');
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const keys: RemoveMemberRequestBody['keys'] = disposition === 'transfer' && transferTo ? { transfer_to: transferTo } : 'revoke';
    setIsBusy(true);
    try {
      const removal = await charter.organizations.members.remove(organization.id, member.user_id, keys);
      const count = removal.revoked_api_key_ids.length + removal.transferred_api_key_ids.length;
      const keysMessage = removal.transferred_to ? t('organizations.keysTransferred', { count }) : t('organizations.keysRevoked', { count });
      await onRemoved(`${isMe ? t('organizations.left', { name: organization.name }) : t('organizations.removed', { name: nameOf(member) })} ${keysMessage}`);
    } catch (error) {
      onError(error);
    } finally {
      setIsBusy(false);
    }
  };

  const title = isMe ? t('organizations.leaveTitle', { name: organization.name }) : t('organizations.removeTitle', { name: nameOf(member) });
  return (
    <form className="confirm-panel" onSubmit={(event) => void submit(event)} aria-label={title}>
      <fieldset>
        <legend>{title}</legend>
        <p className="hint">{t('organizations.keysQuestion')}</p>
        <label className="choice">
          <input type="radio" name="keys" value="revoke" checked={disposition === 'revoke'} onChange={() => setDisposition('revoke')} />
          {t('organizations.keysRevoke')}
        </label>
        <label className="choice">
          <input type="radio" name="keys" value="transfer" checked={disposition === 'transfer'} disabled={candidates.length === 0} onChange={() => setDisposition('transfer')} />
          {t('organizations.keysTransfer')}
        </label>
        {disposition === 'transfer' ? (
          <label className="field">
            {t('organizations.transferTo')}
            <select value={transferTo} onChange={(event) => setTransferTo(event.target.value)}>
              {candidates.map((candidate) => <option key={candidate.user_id} value={candidate.user_id}>{nameOf(candidate)}</option>)}
            </select>
          </label>
        ) : null}
        {candidates.length === 0 ? <p className="hint">{t('organizations.noTransferCandidates')}</p> : null}
      </fieldset>
      <div className="button-row">
        <button type="submit" className="danger" disabled={isBusy}>{isMe ? t('organizations.confirmLeave') : t('organizations.confirmRemove')}</button>
        <button type="button" className="secondary" onClick={onCancel}>{t('organizations.cancel')}</button>
      </div>
    </form>
  );
}
