import type { TFunction } from 'i18next';
import type { SessionInfo } from '../api/identity.types.ts';

/** `urn:dinhdanh:acr:level2` → 2. */
export function levelOfAcr(acr: string | undefined): 1 | 2 | null {
  if (!acr) return null;
  if (acr.endsWith('level2')) return 2;
  if (acr.endsWith('level1')) return 1;
  return null;
}

/** A short device name from the user agent: browser and system, never the raw string. */
export function deviceLabel(t: TFunction, session: Pick<SessionInfo, 'device' | 'userAgent'>): string {
  // The server now sends a short label ("Chrome 131 · Android"); older rows held the raw agent.
  if (session.device && !session.device.includes('/')) return session.device;
  const ua = session.userAgent ?? session.device ?? '';
  if (!ua) return t('sessions.unknownDevice');
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /dinhdanh/i.test(ua)
            ? 'dinhdanh'
            : t('sessions.otherBrowser');
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return system ? `${browser} · ${system}` : browser;
}
