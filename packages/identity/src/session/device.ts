/**
 * A short label a person recognises ("Chrome 131 · Android", "Firefox · Linux", "Safari · iOS"),
 * parsed from a user agent. The raw user agent is never stored: it is long, fingerprintable and
 * says more than the holder needs. Only major versions of Chromium-family browsers are kept
 * (their user agents are otherwise frozen, so the version is the one useful detail).
 */
export function deviceLabel(userAgent: string | undefined | null): string | null {
  if (!userAgent) return null;
  const ua = userAgent.slice(0, 1024);
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod|CPU OS \d/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /CrOS/.test(ua)
          ? 'ChromeOS'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'macOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  const browser = browserOf(ua);
  const label = [browser, system].filter(Boolean).join(' · ');
  // Unrecognised agents get no label: the wallet shows its own "unknown device" wording.
  return label ? label.slice(0, 64) : null;
}

function browserOf(ua: string): string | null {
  const major = (pattern: RegExp) => ua.match(pattern)?.[1];
  const withVersion = (name: string, pattern: RegExp) => {
    const version = major(pattern);
    return version ? `${name} ${version}` : name;
  };
  if (/dinhdanh/i.test(ua)) return 'dinhdanh';
  if (/Edg(A|iOS)?\//.test(ua)) return withVersion('Edge', /Edg(?:A|iOS)?\/(\d{1,4})/);
  if (/OPR\//.test(ua)) return withVersion('Opera', /OPR\/(\d{1,4})/);
  if (/SamsungBrowser\//.test(ua)) return withVersion('Samsung Internet', /SamsungBrowser\/(\d{1,4})/);
  if (/coc_coc_browser\//.test(ua)) return withVersion('Cốc Cốc', /coc_coc_browser\/(\d{1,4})/);
  // Firefox's and Safari's full versions add little: the name alone, as the holder sees it.
  if (/Firefox\/|FxiOS\//.test(ua)) return 'Firefox';
  if (/CriOS\//.test(ua)) return withVersion('Chrome', /CriOS\/(\d{1,4})/);
  if (/HeadlessChrome\//.test(ua)) return withVersion('Chrome', /HeadlessChrome\/(\d{1,4})/);
  if (/Chrom(e|ium)\//.test(ua)) return withVersion('Chrome', /Chrom(?:e|ium)\/(\d{1,4})/);
  if (/Safari\//.test(ua) && /Version\//.test(ua)) return 'Safari';
  if (/^curl\//.test(ua)) return 'curl';
  return null;
}
