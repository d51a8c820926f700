import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { exchangeEn } from './exchange.en.ts';
import { exchangeVi } from './exchange.vi.ts';
import { vi } from './vi.ts';

export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(value: unknown): value is Language {
  return languages.includes(value as Language);
}

/**
 * The language lives in i18next's memory only: no detector, no storage. Vietnamese first;
 * English is a switch in the header.
 */
export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: {
    vi: { translation: vi, exchange: exchangeVi },
    en: { translation: en, exchange: exchangeEn },
  },
  ns: ['translation', 'exchange'],
  defaultNS: 'translation',
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: [...languages],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false, // resources are bundled: ready before the first render
});

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

/** The current language, narrowed for indexing `{ vi, en }` message pairs. */
export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'vi';
}
