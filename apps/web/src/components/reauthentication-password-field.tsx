import { useTranslation } from 'react-i18next';
import { useUser } from '../session-context.js';
import { FormField } from './form-field.js';

/**
 * The password a sensitive action asks for again. An account made through a sign-in provider has none: the server
 * accepts a sign-in within the last ten minutes instead, and the form says so rather than showing an empty field.
 */
export function ReauthenticationPasswordField({ value, onChange, isRequired = false }: { value: string; onChange: (value: string) => void; isRequired?: boolean }) {
  const { t } = useTranslation();
  const user = useUser();
  if (!user.has_password) return <p className="hint">{t('security.noPasswordReauthentication')}</p>;
  return <FormField label={t('fields.password')} type="password" autoComplete="current-password" required={isRequired} value={value} onChange={(event) => onChange(event.target.value)} />;
}
