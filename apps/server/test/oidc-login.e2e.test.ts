import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '@dinhdanh/db';
import { freePort } from '@dinhdanh/db/testing';
import { createCitizenAccount, hashPassword, readOutbox } from '@dinhdanh/identity';
import { createLogger, loadConfig } from '@dinhdanh/kernel';
import { ephemeralProviderKeys } from '@dinhdanh/oidc';
import { AdminUnits, issueOfficerToken } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { prepareDatabase } from '../src/platform.ts';
import { launchChromium } from './e2e-browser.ts';
import { captureJpeg, enrolFingerprint } from './identity-helpers.ts';

// A citizen logs in to a relying party in a real browser (Debian chromium): the demo relying
// party (openid-client: PAR, private_key_jwt, DPoP, PKCE) sends the browser to the provider, the
// web app's /login/:uid page takes password + SMS code and asks for consent, and the RP shows
// the claims it received. A level-1 account asked for level 2 sees the upgrade explanation and
// cancels back to the RP. The browser talks to http://localhost (a secure context, so the
// __Host- Secure cookie is kept).

const screenshots = path.resolve(import.meta.dirname, '../../../docs/screenshots');
const takeScreenshots = process.env.DINHDANH_SCREENSHOTS === '1';
const PASSWORD = 'mùa thu hà nội lá vàng rơi';

interface Person {
  idNumber: string;
  fullName: string;
  phone: string;
}

let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let database: Database;
let outboxFile: string;
let workDir: string;
let levelTwo: Person;
let levelOne: Person;

beforeAll(async () => {
  database = await openDatabase({});
  await prepareDatabase(database);
  const units = await AdminUnits.load(database.db);
  const key = new Uint8Array(32).fill(7);
  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  workDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-oidc-e2e-'));
  outboxFile = path.join(workDir, 'outbox.ndjson');
  app = await buildApp({
    config: loadConfig({
      DINHDANH_MODE: 'test',
      DINHDANH_ISSUER: baseUrl,
      DINHDANH_KEYS_DIR: path.join(workDir, 'card-keys'),
    }),
    database,
    units,
    officerTokenKey: key,
    subjectSecret: new Uint8Array(32).fill(9),
    // The shipped development face/fingerprint adapters, as `npm start` runs them.
    identity: { outboxFile },
    logger: createLogger('silent'),
    oidc: {
      signingKeys: ephemeralProviderKeys(),
      cookieKey: new Uint8Array(32).fill(3),
      pairwiseKey: new Uint8Array(32).fill(4),
      demoRelyingParty: { keysDir: path.join(workDir, 'keys') },
    },
  });
  await app.listen({ host: '127.0.0.1', port });
  const officer = (await issueOfficerToken(key, units, { unit: 'VN', officerId: 'e2e-officer' })).token;
  const person = async (fullName: string, dateOfBirth: string, phone: string): Promise<Person> => {
    const birth = await app.inject({
      method: 'POST',
      url: '/api/registry/v1/births',
      headers: { authorization: `Bearer ${officer}` },
      payload: {
        fullName,
        dateOfBirth,
        sex: 'female',
        placeOfBirth: 'Bệnh viện Bạch Mai, Hà Nội',
        registrationCommuneCode: '00004',
        permanentAddress: { communeCode: '00004', detail: 'Số 12 phố Quán Thánh' },
      },
    });
    expect(birth.statusCode, birth.body).toBe(201);
    const { idNumber } = birth.json() as { idNumber: string };
    await createCitizenAccount(app.identity!, {
      idNumber,
      displayName: fullName,
      phone,
      passwordHash: await hashPassword(PASSWORD),
      actor: { kind: 'system', id: 'oidc-e2e' },
    });
    return { idNumber, fullName, phone };
  };
  levelTwo = await person('Nguyễn Thị Bình', '1990-05-17', '0912000001');
  levelOne = await person('Lê Thị Cúc', '1992-08-09', '0912000002');
  // Raised to level 2 the way an officer does it, in person: a card issued, its chip read, the
  // fingerprint compared with the one enrolled (a reference, as a card office records it).
  await enrolFingerprint(database, levelTwo.idNumber);
  const card = await app.inject({
    method: 'POST',
    url: '/api/card/v1/officer/cards',
    headers: { authorization: `Bearer ${officer}` },
    payload: { idNumber: levelTwo.idNumber },
  });
  expect(card.statusCode, card.body).toBe(201);
  const files = card.json().files as Record<string, string>;
  const raised = await app.inject({
    method: 'POST',
    url: '/api/identity/v1/officer/level2',
    headers: { authorization: `Bearer ${officer}` },
    payload: {
      idNumber: levelTwo.idNumber,
      chip: {
        sod: files['EF_SOD.bin'],
        dataGroups: { '1': files['EF_DG1.bin'], '13': files['EF_DG13.bin'], '15': files['EF_DG15.bin'] },
      },
      fingerprint: { image: captureJpeg },
    },
  });
  expect(raised.statusCode, raised.body).toBe(200);

  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** The newest code the development SMS gateway "sent" to this phone, once there are `after` + 1. */
async function codeFor(phone: string, after: number): Promise<string> {
  const mine = async () =>
    (await readOutbox(outboxFile, 200)).filter((message) => message.to.endsWith(phone.slice(1)));
  await expect.poll(async () => (await mine()).length).toBeGreaterThan(after);
  const code = (await mine()).at(-1)?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('no code in the outbox');
  return code;
}

async function sent(phone: string): Promise<number> {
  return (await readOutbox(outboxFile, 200)).filter((message) => message.to.endsWith(phone.slice(1))).length;
}

/** Password + SMS code on the provider's /login/:uid page. */
async function logIn(page: Page, person: Person) {
  await page.waitForURL(/\/login\/[\w-]+$/);
  await page.getByTestId('login-id-number').fill(person.idNumber);
  await page.getByTestId('login-password').fill(PASSWORD);
  const before = await sent(person.phone);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-code').waitFor();
  await page.getByTestId('login-code').fill(await codeFor(person.phone, before));
  await page.getByTestId('login-code-submit').click();
}

/** The demo RP's list of received claims, as claim name → the value shown. */
async function receivedClaims(page: Page): Promise<Record<string, string>> {
  const list = page.getByTestId('demo-rp-claims');
  await list.waitFor();
  return list.evaluate((dl) => {
    const claims: Record<string, string> = {};
    for (const row of dl.querySelectorAll('[data-claim]'))
      claims[row.getAttribute('data-claim') ?? ''] = row.querySelector('dd')?.textContent ?? '';
    return claims;
  });
}

describe('logging in to a relying party (Chromium)', () => {
  it('logs a level-2 citizen in with password + SMS code, asks consent for the listed claims, and returns to the RP', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/demo-rp`);
    await page.getByTestId('demo-rp-login-1').click();
    expect(new URL(page.url()).pathname).toMatch(/^\/login\/[\w-]+$/);
    await expect
      .poll(() => page.getByTestId('login-client-name').textContent())
      .toContain('Cổng Dịch vụ công (minh hoạ)');
    await logIn(page, levelTwo);

    // Consent: the service's name and exactly the claims it asked for, in plain words.
    const consent = page.getByTestId('consent-step');
    await consent.waitFor();
    expect(await page.getByTestId('consent-client-name').textContent()).toContain(
      'Cổng Dịch vụ công (minh hoạ)',
    );
    const claims = await page.getByTestId('consent-claim').allTextContents();
    expect(claims.length).toBeGreaterThanOrEqual(4);
    expect(claims.join(' | ')).toContain('Họ và tên');
    expect(claims.join(' | ')).toContain('Ngày sinh');
    expect(claims.join(' | ')).toMatch(/[Đđ]ịa chỉ/);
    expect(claims.join(' | ')).toMatch(/[Ss]ố định danh/);
    // No personal data in the provider's URLs or title, nothing in web storage.
    expect(page.url()).not.toContain(levelTwo.idNumber);
    expect(await page.title()).not.toContain(levelTwo.fullName);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await page.getByTestId('consent-approve').click();

    // Back at the relying party, which exchanged the code (DPoP, private_key_jwt) and read userinfo.
    await page.waitForURL(/\/demo-rp\/callback/);
    const received = await receivedClaims(page);
    expect(received.name).toBe('Nguyễn Thị Bình');
    // As a person reads them: dates dd/mm/yyyy, the level and the methods in words.
    expect(received.birthdate).toBe('17/05/1990');
    expect(received.gender).toBe('Nữ (female)');
    expect(received.address).toContain('Số 12 phố Quán Thánh');
    expect(received.acr).toBe('Mức 2 (level 2)');
    expect(received.amr).toBe('mật khẩu + mã SMS (password + SMS code)');
    expect(received.verified_claims).toMatch(
      /^Đã xác minh trực tiếp bằng thẻ căn cước lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/,
    );
    expect(received.id_number).toBe(levelTwo.idNumber);
    expect(received.sub).not.toContain(levelTwo.idNumber);

    // The session cookie is the identity one, HttpOnly and Secure.
    const session = (await context.cookies()).find((cookie) => cookie.name === '__Host-dinhdanh-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, path: '/' });

    // Logging in to the RP again: the provider's session and the remembered consent are enough,
    // so the browser goes straight back without a page of ours.
    await page.goto(`${baseUrl}/demo-rp`);
    await page.getByTestId('demo-rp-login-1').click();
    await page.waitForURL(/\/demo-rp\/callback/);
    expect((await receivedClaims(page)).name).toBe('Nguyễn Thị Bình');
    await context.close();
  });

  it('offers to continue with the identity session the wallet already has', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/wallet/login`);
    await page.getByTestId('login-id-number').fill(levelTwo.idNumber);
    await page.getByTestId('login-password').fill(PASSWORD);
    const before = await sent(levelTwo.phone);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-code').fill(await codeFor(levelTwo.phone, before));
    await page.getByTestId('login-code-submit').click();
    await page.getByTestId('wallet-account-name').waitFor();

    await page.goto(`${baseUrl}/demo-rp`);
    await page.getByTestId('demo-rp-login-2').click();
    const proceed = page.getByTestId('login-continue');
    await expect.poll(() => proceed.textContent()).toContain('Nguyễn Thị Bình');
    await proceed.click();
    // Consent was given to this RP in the first test: straight back to it.
    await page.waitForURL(/\/demo-rp\/callback/);
    const received = await receivedClaims(page);
    expect(received.acr).toBe('Mức 2 (level 2)');
    expect(received.name).toBe('Nguyễn Thị Bình');
    await context.close();
  });

  it('shows a level-1 account the upgrade explanation for a level-2 request; Cancel returns an error to the RP; denying consent too', async () => {
    const context = await browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/demo-rp`);
    await page.getByTestId('demo-rp-login-2').click();
    await page.getByTestId('login-level-required').waitFor();
    await logIn(page, levelOne);

    const upgrade = page.getByTestId('login-upgrade');
    await upgrade.waitFor();
    expect(await upgrade.getByRole('alert').textContent()).toMatch(/mức 2/i);
    if (takeScreenshots) {
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'oidc-upgrade.png'), fullPage: true });
    }
    await upgrade.getByTestId('login-cancel').click();

    await page.waitForURL(/\/demo-rp\/callback/);
    expect(await page.getByRole('alert').textContent()).toContain('unmet_authentication_requirements');

    // At level 1 the same RP is open to this account: its session is offered, and denying
    // consent reaches the RP as access_denied.
    await page.goto(`${baseUrl}/demo-rp`);
    await page.getByTestId('demo-rp-login-1').click();
    const proceed = page.getByTestId('login-continue');
    await expect.poll(() => proceed.textContent()).toContain('Lê Thị Cúc');
    await proceed.click();
    await page.getByTestId('consent-step').waitFor();
    await page.getByTestId('consent-deny').click();
    await page.waitForURL(/\/demo-rp\/callback/);
    expect(await page.getByRole('alert').textContent()).toContain('access_denied');
    await context.close();
  });
});
