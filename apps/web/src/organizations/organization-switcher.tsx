import { useTranslation } from 'react-i18next';
import { useActingOrganization } from './acting-organization.js';

/** Header control: act for my personal account or one of my organisations. Hidden until I belong to one. */
export function OrganizationSwitcher() {
  const { t } = useTranslation();
  const { organizations, acting, select } = useActingOrganization();
  if (organizations.length === 0) return null;
  return (
    <label className="organization-switcher">
      <span className="visually-hidden">{t('organizationSwitcher.label')}</span>
      <select value={acting?.id ?? ''} onChange={(event) => select(event.target.value || null)}>
        <option value="">{t('organizationSwitcher.personal')}</option>
        {organizations.map((organization) => (
          <option key={organization.id} value={organization.id}>{organization.name}</option>
        ))}
      </select>
    </label>
  );
}
