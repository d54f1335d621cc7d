import { useTranslation } from 'react-i18next';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { ApiKeysSettings } from './api-keys-settings.js';
import { OrganizationSettings } from './organization-settings.js';
import { OrganizationsSettings } from './organizations-settings.js';
import { UsageSettings } from './usage-settings.js';
import { ProfileSettings } from './profile-settings.js';
import { SecuritySettings } from './security-settings.js';
import { SharedLinksSettings } from './shared-links-settings.js';

export function SettingsPage() {
  const { t } = useTranslation();
  return (
    <div className="settings">
      <nav aria-label={t('settings.label')} className="settings-nav">
        <NavLink to="/settings/profile">{t('settings.profile')}</NavLink>
        <NavLink to="/settings/security">{t('settings.security')}</NavLink>
        <NavLink to="/settings/api-keys">{t('settings.apiKeys')}</NavLink>
        <NavLink to="/settings/shared-links">{t('settings.sharedLinks')}</NavLink>
        <NavLink to="/settings/usage">{t('usage.title')}</NavLink>
        <NavLink to="/settings/organizations" end={false}>{t('organizations.title')}</NavLink>
      </nav>
      <div className="settings-body">
        <Routes>
          <Route path="profile" element={<ProfileSettings />} />
          <Route path="security" element={<SecuritySettings />} />
          <Route path="api-keys" element={<ApiKeysSettings />} />
          <Route path="shared-links" element={<SharedLinksSettings />} />
          <Route path="usage" element={<UsageSettings />} />
          <Route path="organizations" element={<OrganizationsSettings />} />
          <Route path="organizations/:organizationId" element={<OrganizationSettings />} />
          <Route path="*" element={<Navigate to="/settings/profile" replace />} />
        </Routes>
      </div>
    </div>
  );
}
