import { useTranslation } from 'react-i18next';

/** LBL-1: every assistant message and shared page says it is AI-generated. */
export function AiLabel() {
  const { t } = useTranslation();
  return <span className="ai-label" title={t('ai.labelDetail')}>{t('ai.label')}</span>;
}
