import type { TFunction } from 'i18next';
import type { ClaimLabel } from '../api/identity.types.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { vi } from '../i18n/vi.ts';

type ClaimKey = keyof typeof vi.claims;

/**
 * A claim or scope name in plain words ("Họ và tên" for `name`). Unknown names are shown as
 * sent, so the citizen still sees exactly what is asked.
 */
export function claimLabel(t: TFunction, claim: string | ClaimLabel): string {
  const name = typeof claim === 'string' ? claim : claim.name;
  if (Object.hasOwn(vi.claims, name)) return t(`claims.${name as ClaimKey}`);
  return (typeof claim === 'string' ? undefined : claim[currentLanguage()]) ?? name;
}

/** Protocol scopes that release no personal data are not listed on the consent screen. */
const silentScopes = new Set(['openid', 'offline_access']);

/** Claims if the server listed them; otherwise the scopes that carry data. Each name once. */
export function sharedItems(
  claims: (string | ClaimLabel)[] | undefined,
  scopes: string[] | undefined,
): (string | ClaimLabel)[] {
  const source: (string | ClaimLabel)[] =
    claims && claims.length > 0 ? claims : (scopes ?? []).filter((scope) => !silentScopes.has(scope));
  const seen = new Set<string>();
  return source.filter((claim) => {
    const name = claimName(claim);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

export function claimName(claim: string | ClaimLabel): string {
  return typeof claim === 'string' ? claim : claim.name;
}
