import type { TFunction } from 'i18next';
import { vi } from '../i18n/vi.ts';

type ClaimKey = keyof typeof vi.claims;

/**
 * A claim or scope name in plain words ("Họ và tên" for `name`). Unknown names are shown as
 * sent, so the citizen still sees exactly what is asked.
 */
export function claimLabel(t: TFunction, claim: string): string {
  return Object.hasOwn(vi.claims, claim) ? t(`claims.${claim as ClaimKey}`) : claim;
}

/** Protocol scopes that release no personal data are not listed on the consent screen. */
const silentScopes = new Set(['openid', 'offline_access']);

/** Claims if the server listed them; otherwise the scopes that carry data. Duplicates once. */
export function sharedItems(claims: string[] | undefined, scopes: string[] | undefined): string[] {
  const source =
    claims && claims.length > 0 ? claims : (scopes ?? []).filter((scope) => !silentScopes.has(scope));
  return [...new Set(source)];
}
