import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { freePort } from '@dinhdanh/db/testing';
import { createLogger, loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, issueOfficerToken, seedPopulation } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { prepareDatabase } from '../src/platform.ts';
import { launchChromium } from './e2e-browser.ts';

// The citizen's wallet in a real browser (Debian chromium) against the real server on a seeded
// embedded database: self-registration, password + SMS code login, passkey login with Chromium's
// virtual authenticator, QR login approved from a second browser, and the officer's level-2 dialog
// with the shipped development fingerprint adapter (another finger refused, the demo sample matched).
// The browser talks to http://localhost: a secure context, so the __Host- Secure cookie is kept,
// and a valid WebAuthn RP ID (an IP address is not).

const screenshots = path.resolve(import.meta.dirname, '../../../docs/screenshots');
const takeScreenshots = process.env.DINHDANH_SCREENSHOTS === '1';
const PASSWORD = 'mùa thu hà nội lá vàng rơi';

interface Fixture {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  phone: string;
}

let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let officerToken: string;
let supervisorToken: string;
let database: Awaited<ReturnType<typeof openDatabase>>;
let people: Fixture[];
/** The outbox and keys of this run, removed afterwards. */
let workDir: string | undefined;

beforeAll(async () => {
  database = await openDatabase({});
  await prepareDatabase(database);
  await seedPopulation(database, { people: 300, seed: 5 });
  const units = await AdminUnits.load(database.db);
  const key = new Uint8Array(32).fill(7);
  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  workDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-wallet-e2e-'));
  const outbox = path.join(workDir, 'outbox.ndjson');
  app = await buildApp({
    config: loadConfig({
      DINHDANH_MODE: 'test',
      DINHDANH_ISSUER: baseUrl,
      // Level 2 reads a real chip: the console issues the card under this card PKI.
      DINHDANH_KEYS_DIR: path.join(workDir, 'keys'),
    }),
    database,
    units,
    officerTokenKey: key,
    subjectSecret: new Uint8Array(32).fill(9),
    // The shipped development face/fingerprint adapters, as `npm start` runs them: the seed
    // enrols the demo fingerprint for everyone of card age.
    identity: {
      outboxFile: outbox,
      webauthn: { rpID: 'localhost', origin: baseUrl, rpName: 'dinhdanh' },
    },
    logger: createLogger('silent'),
  });
  await app.listen({ host: '127.0.0.1', port });
  officerToken = (await issueOfficerToken(key, units, { unit: 'VN', officerId: 'e2e-officer' })).token;
  supervisorToken = (
    await issueOfficerToken(key, units, { unit: 'VN', officerId: 'e2e-supervisor', role: 'supervisor' })
  ).token;
  // Adults alive with a phone and a portrait on record, each used by one test.
  const { rows } = await sql<{ id_number: string; full_name: string; date_of_birth: string; phone: string }>`
    SELECT id_number, full_name, date_of_birth::text AS date_of_birth, phone FROM registry.person
    WHERE phone IS NOT NULL AND date_of_death IS NULL AND biometrics ? 'face'
      AND date_of_birth < DATE '2000-01-01'
    ORDER BY id_number LIMIT 4`.execute(database.db);
  people = rows.map((row) => ({
    idNumber: row.id_number,
    fullName: row.full_name,
    dateOfBirth: row.date_of_birth,
    phone: row.phone,
  }));
  expect(people).toHaveLength(4);
  browser = await launchChromium();
});

afterAll(async () => {
  try {
    await browser?.close();
    await app?.close();
    await database?.close();
  } finally {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
});

/** The last code the development SMS gateway "sent" to this phone. */
async function lastCode(phone: string): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(async () => {
      const response = await fetch(`${baseUrl}/api/identity/v1/dev/outbox?last=50`);
      const { items } = (await response.json()) as { items: { to: string; text: string }[] };
      const message = items.filter((item) => item.to === phone || item.to.endsWith(phone.slice(1))).at(-1);
      code = message?.text.match(/\b(\d{6})\b/)?.[1];
      return code;
    })
    .toBeDefined();
  return code!;
}

async function outboxCount(phone: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/identity/v1/dev/outbox?last=500`);
  const { items } = (await response.json()) as { items: { to: string }[] };
  return items.filter((item) => item.to === phone || item.to.endsWith(phone.slice(1))).length;
}

/** A real PNG for the face capture (the development face adapter accepts any photo). */
async function pngImage(page: Page): Promise<Buffer> {
  return page.screenshot({ clip: { x: 0, y: 0, width: 64, height: 64 } });
}

async function registerInBrowser(page: Page, person: Fixture) {
  await page.goto(`${baseUrl}/wallet/register`);
  await page.getByTestId('register-id-number').fill(person.idNumber);
  await page.getByTestId('register-full-name').fill(person.fullName);
  await page.getByTestId('register-date-of-birth').fill(person.dateOfBirth);
  await page.getByTestId('register-phone').fill(person.phone);
  const before = await outboxCount(person.phone);
  await page.getByTestId('register-details-submit').click();
  await page.getByTestId('register-masked-phone').waitFor();
  expect(await page.getByTestId('register-masked-phone').textContent()).not.toContain(person.phone);
  await expect.poll(() => outboxCount(person.phone)).toBeGreaterThan(before);
  await page.getByTestId('register-code').fill(await lastCode(person.phone));
  await page.getByTestId('register-code-submit').click();
  const image = await pngImage(page);
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: image });
  await page.getByTestId('register-face-preview').waitFor();
  await page.getByTestId('register-face-submit').click();
  await page.getByTestId('register-password').waitFor();
  await page.getByTestId('register-password').fill(PASSWORD);
  await page.getByTestId('register-password-confirm').fill(PASSWORD);
  await page.getByTestId('register-password-submit').click();
  await page.getByTestId('register-done').waitFor();
}

async function loginWithPasswordAndSms(page: Page, person: Fixture) {
  await page.goto(`${baseUrl}/wallet/login`);
  await page.getByTestId('login-id-number').fill(person.idNumber);
  await page.getByTestId('login-password').fill(PASSWORD);
  const before = await outboxCount(person.phone);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-code').waitFor();
  await expect.poll(() => outboxCount(person.phone)).toBeGreaterThan(before);
  await page.getByTestId('login-code').fill(await lastCode(person.phone));
  await page.getByTestId('login-code-submit').click();
  await expect.poll(() => page.getByTestId('wallet-account-name').textContent()).toBe(person.fullName);
}

async function phoneContext(): Promise<BrowserContext> {
  return browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 }, isMobile: true });
}

async function assertNoPersonalDataInBrowser(page: Page, person: Fixture) {
  expect(page.url()).not.toContain(person.idNumber);
  expect(await page.title()).not.toContain(person.fullName);
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
  // The session cookie is HttpOnly: scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain('dinhdanh-session');
}

describe('citizen wallet (Chromium)', () => {
  it('registers a level-1 account and logs in with password + SMS code', async () => {
    const person = people[0]!;
    const context = await phoneContext();
    const page = await context.newPage();
    await registerInBrowser(page, person);
    await loginWithPasswordAndSms(page, person);
    expect(await page.getByTestId('level-badge').textContent()).toBe('Mức 1');
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === '__Host-dinhdanh-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, path: '/' });
    await assertNoPersonalDataInBrowser(page, person);
    if (takeScreenshots) {
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'wallet-home.png'), fullPage: true });
    }

    // An agency whose purpose needs the citizen's consent: granted and withdrawn in the wallet.
    const agency = await fetch(`${baseUrl}/api/exchange/v1/admin/agencies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Ngân hàng Thử nghiệm',
        scopes: ['exchange.lookup'],
        purposes: [
          {
            code: 'bank.loan',
            description: 'Thẩm định khoản vay',
            legalBasis: null,
            fields: ['fullName', 'phone'],
          },
        ],
        jwks: {
          keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })],
        },
      }),
    });
    expect(agency.status).toBe(201);
    await page.goto(`${baseUrl}/wallet/consents`);
    const offer = page.getByTestId('agency-consent-item');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('Thẩm định khoản vay');
    await offer.getByTestId('agency-consent-grant').click();
    await offer.getByTestId('agency-consent-active').waitFor();
    await offer.getByTestId('agency-consent-withdraw').click();
    await offer.getByTestId('agency-consent-grant').waitFor();
    expect(await offer.getByTestId('agency-consent-active').count()).toBe(0);
    await page.goto(`${baseUrl}/wallet`);

    // The sessions page lists this device; logging out ends the session.
    await page.getByTestId('wallet-nav-sessions').click();
    await page.getByTestId('session-current').waitFor();
    await page.getByTestId('wallet-logout').click();
    await page.getByTestId('login-id-number').waitFor();
    await page.goto(`${baseUrl}/wallet`);
    await page.getByTestId('login-id-number').waitFor();
    await context.close();
  });

  it('refuses a second registration for the same person with a catalogued error', async () => {
    const person = people[0]!;
    const context = await phoneContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/wallet/register`);
    await page.getByTestId('register-id-number').fill(person.idNumber);
    await page.getByTestId('register-full-name').fill(person.fullName);
    await page.getByTestId('register-date-of-birth').fill(person.dateOfBirth);
    await page.getByTestId('register-phone').fill(person.phone);
    await page.getByTestId('register-details-submit').click();
    await page.getByTestId('problem-alert').waitFor();
    expect(await page.getByTestId('register-step').textContent()).toContain('Bước 1/5');
    await context.close();
  });

  it('adds a passkey and logs in with it (virtual authenticator)', async () => {
    const person = people[1]!;
    const context = await phoneContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await registerInBrowser(page, person);
    await loginWithPasswordAndSms(page, person);
    await page.getByTestId('wallet-nav-security').click();
    await page.getByTestId('passkey-add').click();
    await page.getByTestId('passkey-item').waitFor();
    await page.getByTestId('wallet-logout').click();

    await page.getByTestId('passkey-login').click();
    await expect.poll(() => page.getByTestId('wallet-account-name').textContent()).toBe(person.fullName);
    await context.close();
  });

  it('logs a desktop browser in by QR, approved from the logged-in wallet', async () => {
    const person = people[2]!;
    const phone = await phoneContext();
    const wallet = await phone.newPage();
    await registerInBrowser(wallet, person);
    await loginWithPasswordAndSms(wallet, person);

    const desktop = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const page = await desktop.newPage();
    await page.goto(`${baseUrl}/wallet/login`);
    await page.getByTestId('login-tab-qr').click();
    const qrText = (await page.getByTestId('qr-login-code-text').textContent())!;
    expect(qrText).toMatch(/^dinhdanh-login:/);
    expect(await page.getByTestId('qr-login-code').getAttribute('aria-label')).toBeTruthy();
    if (takeScreenshots) await page.screenshot({ path: path.join(screenshots, 'wallet-login-qr.png') });

    await wallet.getByTestId('wallet-nav-scan').click();
    await wallet.getByTestId('scan-text').fill(qrText);
    await wallet.getByTestId('scan-submit').click();
    await wallet.getByTestId('scan-request').waitFor();
    // The server keeps 64 characters of the user agent: enough for the system, not the browser.
    expect(await wallet.getByTestId('scan-device').textContent()).toContain('Linux');
    await wallet.getByTestId('scan-approve').click();
    await wallet.getByTestId('scan-outcome').getByText('Đã đồng ý', { exact: false }).waitFor();

    await expect.poll(() => page.getByTestId('wallet-account-name').textContent()).toBe(person.fullName);
    await desktop.close();
    await phone.close();
  });

  it('lets an officer raise the account to level 2 in person', async () => {
    const person = people[0]!;
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/officer`);
    await page.getByTestId('token-input').fill(officerToken);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('id-lookup-input').fill(person.idNumber);
    await page.getByTestId('id-lookup-submit').click();
    // The card is issued at the counter first; the reader's dump of its chip is what level 2 reads.
    const cardSection = page.getByTestId('card-section');
    await cardSection.getByTestId('card-issue').click();
    const issued = page.waitForResponse((response) => response.url().endsWith('/api/card/v1/officer/cards'));
    await page.getByTestId('card-issue-submit').click();
    const { files } = (await (await issued).json()) as { files: Record<string, string> };
    await page.getByTestId('chip-mrz').waitFor();
    expect(await page.getByTestId('chip-mrz').textContent()).toContain(person.idNumber);
    if (takeScreenshots) await page.screenshot({ path: path.join(screenshots, 'officer-card-issued.png') });
    await page.getByTestId('card-issue-close').click();
    await expect.poll(() => cardSection.getByTestId('card-status').textContent()).toBe('Còn hiệu lực');
    const section = page.getByTestId('eid-account-section');
    await section.getByTestId('eid-level').waitFor();
    expect(await section.getByTestId('eid-level').textContent()).toBe('Mức 1');
    await section.getByTestId('eid-raise-level2').click();
    const dialog = page.getByRole('dialog');
    const chipFiles = [
      'EF_SOD.bin',
      'EF_COM.bin',
      'EF_DG1.bin',
      'EF_DG2.bin',
      'EF_DG13.bin',
      'EF_DG15.bin',
    ].map((name) => ({
      name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(files[name]!, 'base64'),
    }));
    await dialog.locator('input[type="file"]').nth(0).setInputFiles(chipFiles);
    // Another finger than the one enrolled: the development adapter compares, and refuses.
    await dialog
      .locator('input[type="file"]')
      .nth(1)
      .setInputFiles({ name: 'fingerprint.png', mimeType: 'image/png', buffer: await pngImage(page) });
    await dialog.getByTestId('level2-confirm').check();
    await dialog.getByTestId('level2-submit').click();
    await dialog.getByTestId('problem-alert').waitFor();
    expect(await dialog.getByTestId('problem-alert').textContent()).toContain('Vân tay không khớp');
    // Development mode says the check is a stand-in and offers the demo sample, which is enrolled.
    expect(await dialog.getByTestId('level2-dev-notice').textContent()).toContain(
      'không phải so khớp sinh trắc học',
    );
    await dialog.getByTestId('level2-use-sample').click();
    await dialog.getByTestId('level2-submit').click();
    await expect.poll(() => section.getByTestId('eid-level').textContent()).toBe('Mức 2');
    await context.close();
  });
});
