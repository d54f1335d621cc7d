import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../session-context.js';
import { LanguageSwitcher } from './language-switcher.js';
import { OrganizationSwitcher } from '../organizations/organization-switcher.js';

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#main">{t('common.skipToContent')}</a>
      <header className="app-header">
        <Link to="/" className="brand">{t('app.name')}</Link>
        <nav aria-label={t('nav.label')}>
          {state.status === 'signed_in' ? (
            <>
              <Link to="/">{t('nav.chat')}</Link>
              <Link to="/settings/profile">{t('nav.settings')}</Link>
              <OrganizationSwitcher />
              <button type="button" className="link-button" onClick={() => void signOut().then(() => navigate('/sign-in'))}>{t('nav.signOut')}</button>
            </>
          ) : (
            <>
              <Link to="/sign-in">{t('nav.signIn')}</Link>
              <Link to="/register">{t('nav.register')}</Link>
            </>
          )}
          <LanguageSwitcher />
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}
