import { CharterApiError } from '@charter/sdk';
import { useTranslation } from 'react-i18next';

/** The server's message for an API error (already written for people), or a generic one. */
export function describeError(error: unknown, fallback: string): string {
  return error instanceof CharterApiError ? error.message : fallback;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <p className="error" role="alert">{describeError(error, t('common.unexpectedError'))}</p>;
}
