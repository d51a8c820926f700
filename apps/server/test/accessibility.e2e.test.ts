import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

// Every page a newcomer opens passes axe-core's WCAG 2.1 A and AA rules without a serious or
// critical violation, at desktop and phone widths, in a real browser (Debian chromium) against the
// real server with its Content-Security-Policy: the front page, the wallet's login and
// registration, the officer's sign-in, the API docs (Swagger UI) and the development SMS outbox;
// then the wallet and the officer console once signed in, and a relying party's login through the
// provider's login and consent pages.

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'trống đồng đông sơn ngàn năm';
const widths = [
  { name: 'desktop', viewport: { width: 1366, height: 900 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;

let server: BrowserTestServer;
let browser: Browser;
let officerToken: string;
/** One citizen per width: the provider remembers a consent, and each width must see the consent page. */
let citizens: Citizen[];

beforeAll(async () => {
  server = await startBrowserTestServer({ people: 40, seed: 5 });
  // Seeded adults register themselves (so the outbox holds messages and the wallet has accounts).
  citizens = await selfRegisteredCitizens(server, widths.length, PASSWORD);
  officerToken = (
    await issueOfficerToken(server.officerTokenKey, server.units, {
      unit: 'VN',
      role: 'supervisor',
      officerId: 'cb-a11y',
    })
  ).token;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it is now: the serious and critical violations, each
 * as "rule-id×count (first element)". axe is evaluated through the DevTools protocol, which the
 * page's CSP (script-src 'self') does not govern, so the page is tested with its real CSP.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  // Colours are measured once transitions (a dialog fading in) have ended; spinners run forever.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every(
        (animation) =>
          animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity,
      ),
  );
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeRunner }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        count: violation.nodes.length,
        first: violation.nodes[0]?.target.join(' ') ?? '',
      }));
  });
  return violations.map((violation) => `${violation.id}×${violation.count} (${violation.first})`);
}

interface AxeRunner {
  run(
    context: Document,
    options: { runOnly: { type: 'tag'; values: string[] } },
  ): Promise<{
    violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  }>;
}

/** Asserts no serious or critical violation, naming the page, the width and the rule ids. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${violations.join(', ')}`).toEqual([]);
}

function context(width: (typeof widths)[number]): Promise<BrowserContext> {
  return browser.newContext({ locale: 'vi-VN', viewport: width.viewport, isMobile: width.isMobile });
}

/** The pages a newcomer opens, and what shows that each has finished rendering. */
const firstPages = [
  { path: '/', ready: '[data-testid="home-citizen"]' },
  { path: '/wallet', ready: '[data-testid="login-id-number"]' },
  { path: '/wallet/register', ready: '[data-testid="register-step"]' },
  { path: '/officer', ready: '[data-testid="token-input"]' },
  { path: '/docs', ready: '.swagger-ui .opblock' },
  { path: '/dev/outbox', ready: 'table' },
] as const;

for (const [index, width] of widths.entries())
  describe(`accessibility at ${width.name} width (${width.viewport.width}×${width.viewport.height}, axe-core WCAG 2.1 AA)`, () => {
    const citizen = () => citizens[index]!;
    for (const target of firstPages)
      it(`${target.path} has no serious or critical violation`, async () => {
        const ctx = await context(width);
        try {
          const page = await ctx.newPage();
          const response = await page.goto(`${server.baseUrl}${target.path}`, { waitUntil: 'networkidle' });
          expect(response?.status()).toBeLessThan(400);
          await page.locator(target.ready).first().waitFor();
          await expectAccessible(page, `${width.name} ${target.path}`);
        } finally {
          await ctx.close();
        }
      });

    it('the wallet once logged in has no serious or critical violation', async () => {
      const ctx = await context(width);
      try {
        const page = await ctx.newPage();
        await page.goto(`${server.baseUrl}/wallet/login`);
        await page.getByTestId('login-id-number').fill(citizen().idNumber);
        await page.getByTestId('login-password').fill(PASSWORD);
        await page.getByTestId('login-submit').click();
        await page.getByTestId('login-code').waitFor();
        await expectAccessible(page, `${width.name} /wallet/login (code)`);
        await page.getByTestId('login-code').fill(await lastCode(server.outboxFile, citizen().phone));
        await page.getByTestId('login-code-submit').click();
        await page.getByTestId('wallet-account-name').waitFor();
        await page.waitForLoadState('networkidle');
        await expectAccessible(page, `${width.name} /wallet`);
        for (const section of ['sessions', 'security', 'consents', 'access-log', 'dependents', 'lock']) {
          await page.goto(`${server.baseUrl}/wallet/${section}`, { waitUntil: 'networkidle' });
          await page.locator('main h1').first().waitFor();
          await expectAccessible(page, `${width.name} /wallet/${section}`);
        }
      } finally {
        await ctx.close();
      }
    });

    it('the officer console once signed in has no serious or critical violation', async () => {
      const ctx = await context(width);
      try {
        const page = await ctx.newPage();
        await page.goto(`${server.baseUrl}/officer`);
        await page.getByTestId('token-input').fill(officerToken);
        await page.getByTestId('sign-in-submit').click();
        await page.getByTestId('search-full-name').waitFor();
        await expectAccessible(page, `${width.name} /officer (search)`);
        await page.getByTestId('search-full-name').fill(citizen().fullName);
        await page.getByTestId('search-submit').click();
        await page.getByTestId('search-result-link').first().waitFor();
        await expectAccessible(page, `${width.name} /officer (results)`);
        await page.getByTestId('search-result-link').first().click();
        await page.getByTestId('person-name').waitFor();
        await page.waitForLoadState('networkidle');
        await expectAccessible(page, `${width.name} /officer/people/… (person)`);
        // A dialog: its icon-only close button has a name.
        await page.getByTestId('eid-raise-level2').click();
        await page.getByRole('dialog').waitFor();
        await expectAccessible(page, `${width.name} /officer/people/… (level-2 dialog)`);
      } finally {
        await ctx.close();
      }
    });

    it("a relying party's login, consent and result have no serious or critical violation", async () => {
      const ctx = await context(width);
      try {
        const page = await ctx.newPage();
        await page.goto(`${server.baseUrl}/demo-rp`, { waitUntil: 'networkidle' });
        await expectAccessible(page, `${width.name} /demo-rp`);
        await page.getByTestId('demo-rp-login-1').click();
        await page.waitForURL(/\/login\/[\w-]+$/);
        await page.getByTestId('login-id-number').waitFor();
        await expectAccessible(page, `${width.name} /login/… (password)`);
        await page.getByTestId('login-id-number').fill(citizen().idNumber);
        await page.getByTestId('login-password').fill(PASSWORD);
        await page.getByTestId('login-submit').click();
        await page.getByTestId('login-code').waitFor();
        await page.getByTestId('login-code').fill(await lastCode(server.outboxFile, citizen().phone));
        await page.getByTestId('login-code-submit').click();
        await page.getByTestId('consent-step').waitFor();
        await expectAccessible(page, `${width.name} /login/… (consent)`);
        await page.getByTestId('consent-approve').click();
        await page.waitForURL(/\/demo-rp\/callback/);
        await expectAccessible(page, `${width.name} /demo-rp/callback`);
      } finally {
        await ctx.close();
      }
    });
  });
