import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { exchangeVi } from '../../i18n/exchange.vi.ts';

type StripPlural<K extends string> = K extends `${infer Base}_${'one' | 'other'}` ? Base : K;
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${Prefix}${StripPlural<K>}`
    : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A key of the `exchange` namespace (`agencies.title`; plural keys without their `_one`/`_other`). */
export type ExchangeKey = Leaves<typeof exchangeVi>;
export type ExchangeT = (key: ExchangeKey, options?: Readonly<Record<string, string | number>>) => string;

/**
 * The exchange pages' strings (namespace `exchange`, `i18n/exchange.vi.ts`). The namespace is
 * left out of i18next's typed resources on purpose: `ReturnType<typeof useTranslation>['t']`,
 * used elsewhere in the console, spans every typed namespace, and with these keys as well
 * TypeScript gives up ("type instantiation is excessively deep"). Keys are still checked here,
 * and `exchange.en.ts` must have every key of `exchange.vi.ts`.
 */
export function useExchangeTranslation(): { t: ExchangeT; language: string | undefined } {
  // Subscribes the component to language changes.
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  const translate = i18n.t as unknown as (key: string, options: object) => string;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new language must give a new function
  const t = useCallback<ExchangeT>(
    (key, options) => String(translate(key, { ...options, ns: 'exchange' })),
    [translate, language],
  );
  return { t, language };
}
