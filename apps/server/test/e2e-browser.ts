import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, with nothing phoning home; `localhost` goes straight to the IPv4
 * loopback the test server listens on (http://localhost is a secure context: __Host- cookies stay).
 *
 * Everything the browser writes to the temporary folder — Playwright's profile and artifacts,
 * chromium's own `org.chromium.*` folders — goes to one `dinhdanh-chromium-*` folder, removed when
 * the browser closes or disconnects, or when the test process exits without closing it.
 */
export async function launchChromium(): Promise<Browser> {
  const tempDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-chromium-'));
  const remove = () => rmSync(tempDir, { recursive: true, force: true });
  process.once('exit', remove);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  env.TMPDIR = tempDir;
  // Playwright makes the profile folder with os.tmpdir() of this process, while it launches.
  const previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tempDir;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      env,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP localhost 127.0.0.1',
      ],
    });
  } catch (error) {
    remove();
    throw error;
  } finally {
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
  browser.once('disconnected', () => {
    remove();
    process.off('exit', remove);
  });
  return browser;
}
