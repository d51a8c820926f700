import path from 'node:path';
import { fixedClock } from '@dinhdanh/kernel';
import { issueOfficerToken } from '@dinhdanh/registry';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './e2e-browser.ts';
import {
  type BrowserTestServer,
  type Citizen,
  lastCode,
  selfRegisteredCitizens,
  startBrowserTestServer,
} from './e2e-server.ts';

// What a newcomer meets first, in a real browser (Debian chromium) against the real server: the
// front page sends each audience to a page that exists, in both languages and at phone and
// desktop widths; and the citizen's access log reads as human text — actions and actors in words,
// one language at a time, dates dd/mm/yyyy in Vietnam time even in an English-US browser set to
// New York time.

const screenshots = path.resolve(import.meta.dirname, '../../../docs/screenshots');
const takeScreenshots = process.env.DINHDANH_SCREENSHOTS === '1';
const PASSWORD = 'trống đồng đông sơn ngàn năm';
// 03:00 UTC is 10:00 in Vietnam on 23/11/2026: a day after the 12th, so dd/mm and mm/dd differ.
const NOW = '2026-11-23T03:00:00Z';

let server: BrowserTestServer;
let browser: Browser;
let baseUrl: string;
let citizen: Citizen;

beforeAll(async () => {
  server = await startBrowserTestServer({ people: 60, seed: 11, clock: fixedClock(NOW) });
  baseUrl = server.baseUrl;
  // A seeded adult with a phone and a portrait registers herself (the citizen acts on her own
  // account), then an officer of a commune reads her record: two actors the log must name.
  [citizen] = (await selfRegisteredCitizens(server, 1, PASSWORD)) as [Citizen];
  const officer = (
    await issueOfficerToken(server.officerTokenKey, server.units, {
      unit: '00004',
      officerId: 'cb-0042',
      now: new Date(NOW),
    })
  ).token;
  const read = await server.app.inject({
    method: 'GET',
    url: `/api/registry/v1/people/${citizen.idNumber}`,
    headers: { authorization: `Bearer ${officer}` },
  });
  expect(read.statusCode, read.body).toBe(200);

  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const NOT_FOUND = 'Không tìm thấy trang';
const widths = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
] as const;

/** A context whose locale and zone would give mm/dd/yyyy and New York times if the app used them. */
function context(width: (typeof widths)[number]): Promise<BrowserContext> {
  return browser.newContext({
    locale: 'en-US',
    timezoneId: 'America/New_York',
    viewport: width.viewport,
    isMobile: width.isMobile,
  });
}

/** Opens a URL in a fresh page and says whether it is a real page (status, and not the web app's not-found page). */
async function opens(ctx: BrowserContext, url: string): Promise<{ status: number; text: string }> {
  const page = await ctx.newPage();
  try {
    const response = await page.goto(url, { waitUntil: 'networkidle' });
    // Client-rendered pages (the web app, Swagger UI once it has read the OpenAPI document) may
    // still be drawing when the network goes quiet: give them a few seconds to show some text.
    await page
      .waitForFunction(() => (document.body.textContent ?? '').trim().length > 20, null, { timeout: 5_000 })
      .catch(() => undefined);
    const text = (await page.locator('body').textContent()) ?? '';
    return { status: response?.status() ?? 0, text };
  } finally {
    await page.close();
  }
}

describe('front page (Chromium)', () => {
  for (const width of widths)
    it(`sends each audience to a page that exists (${width.name})`, async () => {
      const ctx = await context(width);
      const page = await ctx.newPage();
      await page.goto(`${baseUrl}/`, { waitUntil: 'networkidle' });
      expect(await page.locator('html').getAttribute('lang')).toBe('vi');
      expect(await page.title()).toBe('Trang chủ · Định danh điện tử');
      await expect.poll(() => page.getByTestId('authority-name').textContent()).toContain('dinhdanh');
      for (const landmark of ['banner', 'main', 'contentinfo'])
        expect(await page.getByRole(landmark as 'banner').count()).toBe(1);
      // Every audience has its place; in this (non-production) mode the demo's pages too.
      const links = [
        'home-wallet-login',
        'home-wallet-register',
        'home-officer-console',
        'home-api-docs',
        'home-openid',
        'home-demo-rp',
        'home-demo-register',
        'home-demo-outbox',
      ];
      for (const id of links) {
        const href = await page.getByTestId(id).getAttribute('href');
        expect(href, id).toMatch(/^\//);
        const target = await opens(ctx, `${baseUrl}${href}`);
        expect(target.status, `${id} → ${href}`).toBeLessThan(400);
        expect(target.text, `${id} → ${href}`).not.toContain(NOT_FOUND);
        expect(target.text.trim().length, `${id} → ${href}`).toBeGreaterThan(20);
      }
      // The control case: an address that does not exist says so.
      expect((await opens(ctx, `${baseUrl}/khong-co-trang-nay`)).text).toContain(NOT_FOUND);
      if (takeScreenshots && width.name === 'desktop')
        await page.screenshot({ path: path.join(screenshots, 'front-page.png'), fullPage: true });

      // In English: the document language, the title and the texts follow.
      await page.getByTestId('language-switch').locator('label', { hasText: 'English' }).click();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.title()).toBe('Home · Electronic identity');
      expect(await page.getByTestId('home-citizen').textContent()).toContain('Log in to the wallet');
      // Client-side navigation from a card lands on the wallet's login page, not a blank or missing page.
      await page.getByTestId('home-wallet-login').click();
      await page.getByTestId('login-id-number').waitFor();
      await ctx.close();
    });
});

describe("citizen's access log (Chromium)", () => {
  async function loggedIn(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${baseUrl}/wallet/login`);
    await page.getByTestId('login-id-number').fill(citizen.idNumber);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-code').waitFor();
    await page.getByTestId('login-code').fill(await lastCode(server.outboxFile, citizen.phone));
    await page.getByTestId('login-code-submit').click();
    await page.getByTestId('wallet-account-name').waitFor();
    return page;
  }

  it('shows human labels, named actors and dd/mm/yyyy dates in the chosen language', async () => {
    const ctx = await context(widths[0]);
    const page = await loggedIn(ctx);
    await page.getByTestId('wallet-nav-accessLog').click();
    await page.getByTestId('wallet-access-log').waitFor();
    const entries = page.getByTestId('wallet-access-log-entry');
    expect(await entries.count()).toBeGreaterThanOrEqual(2);
    const texts = await entries.allInnerTexts();
    const all = texts.join('\n');
    // No raw audit code, UUID or bilingual "vi / en" text reaches the citizen.
    expect(all).not.toMatch(/\b[a-z]+\.[a-z_]+(\.[a-z_]+)*\b/);
    expect(all).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    expect(all).not.toMatch(/ \/ [a-z]/i);
    // Vietnam time, day first, whatever the browser's locale and zone.
    for (const text of texts) expect(text).toContain('23/11/2026 10:00');
    const opened = texts.find((text) => text.includes('Tạo tài khoản định danh điện tử'));
    expect(opened).toContain('Thực hiện: Bạn');
    expect(opened).toContain('Mục đích: Tạo tài khoản định danh điện tử mức 1');
    const read = texts.find((text) => text.includes('Xem thông tin'));
    expect(read).toMatch(/Thực hiện: Cán bộ công an · Phường [^·]+, Thành phố Hà Nội · mã cán bộ cb-0042/);

    if (takeScreenshots)
      await page.screenshot({ path: path.join(screenshots, 'wallet-access-log.png'), fullPage: true });
    await page.getByTestId('language-switch').locator('label', { hasText: 'English' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect
      .poll(() => entries.allInnerTexts().then((t) => t.join('\n')))
      .toContain('eID account created');
    const english = (await entries.allInnerTexts()).join('\n');
    expect(english).toContain('By: You');
    expect(english).toContain('Purpose: Level-1 eID account created');
    expect(english).toContain('By: Police officer · Phường');
    expect(english).not.toContain('Mục đích');
    await ctx.close();
  });
});
