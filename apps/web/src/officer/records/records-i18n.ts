import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n/i18n.ts';
import { recordsEn } from '../../i18n/records.en.ts';
import { recordsVi } from '../../i18n/records.vi.ts';

// The registry clerk's strings (namespace `records`): civil-event screens, the person page's
// section navigation, search paging and the history's wording. A namespace of its own, added
// here, for the reason given in exchange/exchange-i18n.ts (the typed `translation` namespace is
// at the limit of what TypeScript instantiates).
if (!i18n.hasResourceBundle('vi', 'records')) {
  i18n.addResourceBundle('vi', 'records', recordsVi);
  i18n.addResourceBundle('en', 'records', recordsEn);
}

type StripPlural<K extends string> = K extends `${infer Base}_${'one' | 'other'}` ? Base : K;
type Keys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${StripPlural<K>}` : Keys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A key of the `records` namespace (`kinds.birth.title`; plural keys without `_one`/`_other`). */
export type RecordsKey = Keys<typeof recordsVi>;
export type RecordsT = (key: RecordsKey, options?: Readonly<Record<string, string | number>>) => string;

/** The `records` strings in the current language; a new function when the language changes. */
export function useRecordsTranslation(): RecordsT {
  const { i18n: instance } = useTranslation();
  const language = instance.resolvedLanguage ?? 'vi';
  return useMemo(() => {
    const fixed = (
      instance.getFixedT as unknown as (lng: string, ns: string) => (key: string, o?: object) => string
    )(language, 'records');
    return (key, options) => String(fixed(key, options));
  }, [instance, language]);
}

/** True when `key` names a string of the namespace (for codes that come from the API). */
export function hasRecordsKey(key: string): key is RecordsKey {
  let node: unknown = recordsVi;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string';
}
