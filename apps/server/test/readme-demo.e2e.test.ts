import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@dinhdanh/db/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './e2e-browser.ts';

// The README's demo path, walked in a real browser (Debian chromium) against the platform started
// the way `npm start` starts it: `dinhdanh serve --demo` on a fresh data directory (a small
// DINHDANH_DEMO_PEOPLE), nothing else. The person the server prints registers in the wallet (codes
// from /dev/outbox, any photo — the development face adapter), the officer raises the account to
// level 2 at the counter with the demo token (card issued, its chip files downloaded and read back,
// the demo fingerprint the server printed — the shipped development fingerprint adapter), and the
// person logs in at /demo-rp at level 2 and reads what the portal received. With
// DINHDANH_SCREENSHOTS=1 it retakes the README's screenshots of these steps.

const root = path.resolve(import.meta.dirname, '../../..');
const screenshots = path.join(root, 'docs/screenshots');
const takeScreenshots = process.env.DINHDANH_SCREENSHOTS === '1';
const PASSWORD = 'mùa thu hà nội lá vàng rơi';

interface Banner {
  url: string;
  token: string;
  person: { idNumber: string; fullName: string; dateOfBirth: string; phone: string };
  fingerprintFile: string;
  agency: string;
}

let workDir: string;
let server: ChildProcess | undefined;
let output = '';
let banner: Banner;
let browser: Browser;

/** What `serve --demo` printed, read as a person reads the terminal. */
function readBanner(text: string): Banner | undefined {
  const url = /Web \(cán bộ \/ officer console\): (http:\/\/\S+)\/officer/.exec(text)?.[1];
  const token = /demo supervisor token[^\n]*\n(\S+)\n/.exec(text)?.[1];
  const person = /1\. \S+\/wallet\/register — (\d{12}) · (.+?) · (\d\d\/\d\d\/\d{4}) · (\d+)/.exec(text);
  const fingerprintFile = /^\s+(\/\S*demo-fingerprint\.png)\s*$/m.exec(text)?.[1];
  const agency = /demo agency: (.+?) — /.exec(text)?.[1];
  if (!url || !token || !person || !fingerprintFile || !agency || !text.includes('/demo-rp'))
    return undefined;
  const [, idNumber, fullName, dateOfBirth, phone] = person as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { url, token, person: { idNumber, fullName, dateOfBirth, phone }, fingerprintFile, agency };
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-readme-e2e-'));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && !/^(DINHDANH_|DATABASE_URL|REDIS_URL|NATS_URL|NODE_ENV|VITEST)/.test(name))
      env[name] = value;
  Object.assign(env, {
    DINHDANH_DATA_DIR: path.join(workDir, 'data/pg'),
    DINHDANH_KEYS_DIR: path.join(workDir, 'data/keys'),
    DINHDANH_DEMO_PEOPLE: '200',
  });
  const port = await freePort();
  // As scripts/start.ts runs it: the CLI's bin, `serve --demo`.
  server = spawn(
    process.execPath,
    [path.join(root, 'apps/cli/bin/dinhdanh.js'), 'serve', '--demo', '--port', String(port)],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  server.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<never>((_, reject) =>
    server?.once('exit', (code) => reject(new Error(`serve --demo exited (${code}):\n${output}`))),
  );
  const started = (async () => {
    const deadline = Date.now() + 170_000;
    for (;;) {
      const read = readBanner(output);
      if (read) return read;
      if (Date.now() > deadline) throw new Error(`serve --demo printed no demo banner:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  banner = await Promise.race([started, exited]);
  exited.catch(() => undefined);
  browser = await launchChromium();
}, 200_000);

afterAll(async () => {
  try {
    await browser?.close();
    if (server && server.exitCode === null) {
      const gone = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  } finally {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
});

async function screenshot(page: Page, name: string, fullPage = true) {
  if (!takeScreenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, name), fullPage });
}

/** The one-time codes /dev/outbox shows for a phone, newest first — as a person reads the page. */
async function outboxCodes(page: Page, phone: string): Promise<string[]> {
  await page.goto(`${banner.url}/dev/outbox`);
  const texts = await page
    .locator('tbody tr')
    .filter({ hasText: phone.slice(1) })
    .locator('td:nth-child(3)')
    .allTextContents();
  return texts.flatMap((text) => /\b(\d{6})\b/.exec(text)?.[1] ?? []);
}

/** Does `send` on one page, then reads the new code for the phone on /dev/outbox in another tab. */
async function newCode(context: BrowserContext, phone: string, send: () => Promise<void>): Promise<string> {
  const outbox = await context.newPage();
  const before = (await outboxCodes(outbox, phone)).length;
  await send();
  let codes: string[] = [];
  await expect
    .poll(async () => {
      codes = await outboxCodes(outbox, phone);
      return codes.length;
    })
    .toBeGreaterThan(before);
  await outbox.close();
  return codes[0]!;
}

describe("the README's demo path (npm start, then the browser)", () => {
  it('prints a demo person, the demo fingerprint and a demo agency with its keys and some usage', async () => {
    expect(banner.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner.person.phone).toMatch(/^0\d{9}$/);
    expect(banner.fingerprintFile).toBe(path.join(workDir, 'data/demo-fingerprint.png'));
    expect(banner.agency).toBe('Cơ quan Thuế (minh hoạ)');
    expect(output).toContain(path.join(workDir, 'data/keys/demo-agency.json'));
    // What the console's agency pages show: the agency, its usage, its finished matching job.
    const admin = async (apiPath: string) => {
      const response = await fetch(`${banner.url}/api/exchange/v1${apiPath}`, {
        headers: { authorization: `Bearer ${banner.token}` },
      });
      expect(response.status, apiPath).toBe(200);
      return ((await response.json()) as { items: Array<Record<string, unknown>> }).items;
    };
    const [agency] = await admin('/admin/agencies');
    expect(agency).toMatchObject({ name: banner.agency });
    // Verifications and lookups are metered in memory and written every few seconds.
    await expect
      .poll(async () => new Set((await admin('/admin/usage')).map((row) => row.operation)), {
        timeout: 20_000,
        interval: 500,
      })
      .toEqual(new Set(['verify', 'lookup', 'match']));
    const [job] = await admin('/admin/jobs');
    expect(job).toMatchObject({
      agencyId: agency?.agencyId,
      status: 'done',
      counts: { matched: 3, mismatched: 1, not_found: 1 },
    });
  });

  it('registers the printed person, raises them to level 2 at the counter, and logs in at /demo-rp at level 2', async () => {
    const { person } = banner;

    // 1. The citizen registers in the wallet, on a phone.
    const phone = await browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const wallet = await phone.newPage();
    await wallet.goto(`${banner.url}/wallet/register`);
    await wallet.getByTestId('register-id-number').fill(person.idNumber);
    await wallet.getByTestId('register-full-name').fill(person.fullName);
    await wallet.getByTestId('register-date-of-birth').fill(person.dateOfBirth);
    await wallet.getByTestId('register-phone').fill(person.phone);
    const registrationCode = await newCode(phone, person.phone, async () => {
      await wallet.getByTestId('register-details-submit').click();
      await wallet.getByTestId('register-masked-phone').waitFor();
    });
    await wallet.getByTestId('register-code').fill(registrationCode);
    await wallet.getByTestId('register-code-submit').click();
    // Any photo passes the development face adapter, and the page says so.
    await wallet.getByTestId('register-face-dev-notice').waitFor();
    const photo = await wallet.screenshot({ clip: { x: 0, y: 0, width: 96, height: 96 } });
    await wallet
      .locator('input[type="file"]')
      .setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: photo });
    await wallet.getByTestId('register-face-preview').waitFor();
    await wallet.getByTestId('register-face-submit').click();
    await wallet.getByTestId('register-password').waitFor();
    await screenshot(wallet, 'wallet-register-password.png');
    await wallet.getByTestId('register-password').fill(PASSWORD);
    await wallet.getByTestId('register-password-confirm').fill(PASSWORD);
    await wallet.getByTestId('register-password-submit').click();
    await wallet.getByTestId('register-done').waitFor();
    await phone.close();

    // 2. At the commune police: the demo token, the person, a card issued at the counter, its chip
    // files downloaded, then level 2 with those files and the demo fingerprint the server printed.
    const desk = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const officer = await desk.newPage();
    await officer.goto(`${banner.url}/officer`);
    await officer.getByTestId('token-input').fill(banner.token);
    await officer.getByTestId('sign-in-submit').click();
    await officer.getByTestId('id-lookup-input').fill(person.idNumber);
    await officer.getByTestId('id-lookup-submit').click();
    const cardSection = officer.getByTestId('card-section');
    await cardSection.getByTestId('card-issue').click();
    await officer.getByTestId('card-issue-submit').click();
    const fileButtons = officer.getByTestId('card-files').getByRole('button');
    await fileButtons.first().waitFor();
    const chipFiles: string[] = [];
    mkdirSync(path.join(workDir, 'reader'));
    for (const label of await fileButtons.allTextContents()) {
      const name = label.trim();
      if (!/^EF_\w+\.bin$/.test(name)) continue;
      const download = officer.waitForEvent('download');
      await officer.getByTestId('card-files').getByRole('button', { name, exact: true }).click();
      const file = path.join(workDir, 'reader', (await download).suggestedFilename());
      await (await download).saveAs(file);
      chipFiles.push(file);
    }
    expect(chipFiles.map((file) => path.basename(file)).sort()).toEqual(
      ['EF_COM.bin', 'EF_DG1.bin', 'EF_DG13.bin', 'EF_DG15.bin', 'EF_DG2.bin', 'EF_SOD.bin'].sort(),
    );
    await officer.getByTestId('card-issue-close').click();
    const account = officer.getByTestId('eid-account-section');
    await expect.poll(() => account.getByTestId('eid-level').textContent()).toBe('Mức 1');
    await account.getByTestId('eid-raise-level2').click();
    const dialog = officer.getByRole('dialog');
    await dialog.locator('input[type="file"]').nth(0).setInputFiles(chipFiles);
    await dialog.locator('input[type="file"]').nth(1).setInputFiles(banner.fingerprintFile);
    await dialog.getByTestId('level2-confirm').check();
    // Development mode says the fingerprint check is a stand-in.
    await dialog.getByTestId('level2-dev-notice').waitFor();
    await screenshot(officer, 'officer-level2-dialog.png', false);
    await dialog.getByTestId('level2-submit').click();
    await expect.poll(() => account.getByTestId('eid-level').textContent()).toBe('Mức 2');
    await desk.close();

    // 3. The demo public-service portal asks for level 2; the person logs in with password + code
    // and consents; the portal shows what it received.
    const citizen = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const portal = await citizen.newPage();
    await portal.goto(`${banner.url}/demo-rp`);
    await portal.getByTestId('demo-rp-login-2').click();
    await portal.waitForURL(/\/login\/[\w-]+$/);
    await portal.getByTestId('login-id-number').fill(person.idNumber);
    await portal.getByTestId('login-password').fill(PASSWORD);
    await screenshot(portal, 'oidc-login.png');
    const loginCode = await newCode(citizen, person.phone, async () => {
      await portal.getByTestId('login-submit').click();
      await portal.getByTestId('login-code').waitFor();
    });
    await portal.getByTestId('login-code').fill(loginCode);
    await portal.getByTestId('login-code-submit').click();
    await portal.getByTestId('consent-step').waitFor();
    await screenshot(portal, 'oidc-consent.png');
    await portal.getByTestId('consent-approve').click();
    await portal.waitForURL(/\/demo-rp\/callback/);
    const claims = portal.getByTestId('demo-rp-claims');
    await claims.waitFor();
    const shown = await claims.evaluate((dl) =>
      Object.fromEntries(
        [...dl.querySelectorAll('[data-claim]')].map((row) => [
          row.getAttribute('data-claim'),
          {
            label: row.querySelector('dt')?.textContent ?? '',
            value: row.querySelector('dd')?.textContent ?? '',
          },
        ]),
      ),
    );
    expect(shown.acr?.value).toBe('Mức 2 (level 2)');
    expect(shown.name?.value).toBe(person.fullName);
    expect(shown.birthdate).toEqual({ label: 'Ngày sinh Date of birth', value: person.dateOfBirth });
    expect(shown.id_number?.value).toBe(person.idNumber);
    expect(shown.address?.label).toContain('Nơi thường trú');
    expect(shown.address?.value).toMatch(/\S+, \S+/);
    expect(shown.verified_claims?.value).toContain('Đã xác minh trực tiếp bằng thẻ căn cước');
    expect(await claims.textContent()).not.toMatch(/[{}[\]]/);
    await screenshot(portal, 'demo-rp-result.png');
    await citizen.close();
  }, 240_000);
});
