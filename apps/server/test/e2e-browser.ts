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
 * the browser is closed, or when the test process exits without closing it.
 */
export async function launchChromium(): Promise<Browser> {
  const tempDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-chromium-'));
  // Retried: chromium may still be writing there while it shuts down.
  const remove = () => rmSync(tempDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
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
  // After close() has resolved the browser has exited and Playwright has removed its own folders
  // (the 'disconnected' event comes earlier, while chromium may still write to the folder).
  const close = browser.close.bind(browser);
  browser.close = async (...args: Parameters<Browser['close']>) => {
    try {
      await close(...args);
    } finally {
      remove();
      process.off('exit', remove);
    }
  };
  return browser;
}
