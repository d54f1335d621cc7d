import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from './components/layout.js';
import { ActingOrganizationProvider } from './organizations/acting-organization.js';
import { AcceptInvitationPage } from './pages/accept-invitation-page.js';
import { ChatPage } from './pages/chat-page.js';
import { ForgotPasswordPage } from './pages/forgot-password-page.js';
import { RegisterPage } from './pages/register-page.js';
import { ReportCompromisePage } from './pages/report-compromise-page.js';
import { SharedConversationPage } from './pages/shared-conversation-page.js';
import { ResetPasswordPage } from './pages/reset-password-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { SecondFactorPage } from './pages/second-factor-page.js';
import { SsoRegisterPage } from './pages/sso-register-page.js';
import { VerifyEmailPage } from './pages/verify-email-page.js';
import { SessionProvider, useSession } from './session-context.js';
import { SettingsPage } from './settings/settings-page.js';

/** Pages behind a session send signed-out visitors to sign-in, and back afterwards. */
function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (state.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (state.status === 'signed_out') return <Navigate to={`/sign-in?return_to=${encodeURIComponent(location.pathname)}`} replace />;
  return <>{children}</>;
}

export function App() {
  return (
    <SessionProvider>
      <ActingOrganizationProvider>
      <BrowserRouter>
        <Layout>
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/register" element={<RegisterPage />} />
            <Route path="/sign-in/second-factor" element={<SecondFactorPage />} />
            <Route path="/register/sso" element={<SsoRegisterPage />} />
            <Route path="/verify-email" element={<VerifyEmailPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
            <Route path="/reset-password" element={<ResetPasswordPage />} />
            <Route path="/report-compromise" element={<ReportCompromisePage />} />
            <Route path="/invitations" element={<AcceptInvitationPage />} />
            <Route path="/settings/*" element={<RequireSession><SettingsPage /></RequireSession>} />
            <Route path="/share/:token" element={<SharedConversationPage />} />
            <Route path="/c/:conversationId" element={<RequireSession><ChatPage /></RequireSession>} />
            <Route path="/" element={<RequireSession><ChatPage /></RequireSession>} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Layout>
      </BrowserRouter>
      </ActingOrganizationProvider>
    </SessionProvider>
  );
}
