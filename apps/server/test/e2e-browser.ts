import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, with nothing phoning home; `localhost` goes straight to the IPv4
 * loopback the test server listens on (http://localhost is a secure context: __Host- cookies stay).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
}
