import { useTranslation } from 'react-i18next';
import { changeLanguage, type LanguageCode, languages } from '../i18n/index.js';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language-switcher">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select value={i18n.language} onChange={(event) => changeLanguage(event.target.value as LanguageCode)}>
        {languages.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>{language.label}</option>
        ))}
      </select>
    </label>
  );
}
