import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

/** Languages the app is complete in (WEB-4); add one by adding its JSON file here. */
export const languages = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type LanguageCode = (typeof languages)[number]['code'];

const storageKey = 'charter.language';

/** The saved choice, else the browser's first supported language, else English. */
export function initialLanguage(): LanguageCode {
  const saved = globalThis.localStorage?.getItem(storageKey);
  if (saved && languages.some((language) => language.code === saved)) return saved as LanguageCode;
  for (const preferred of globalThis.navigator?.languages ?? []) {
    if (preferred.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (preferred.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export function changeLanguage(code: LanguageCode): void {
  globalThis.localStorage?.setItem(storageKey, code);
  void i18next.changeLanguage(code);
  document.documentElement.lang = code;
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export { i18next };
