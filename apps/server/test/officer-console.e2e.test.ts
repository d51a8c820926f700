import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '@dinhdanh/db';
import { pushDocuments, registerAgency } from '@dinhdanh/exchange';
import { createLogger, systemClock } from '@dinhdanh/kernel';
import { defaultRules } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './e2e-browser.ts';
import { type OfficerConsoleApp, startOfficerConsoleApp } from './e2e-officer-app.ts';

// The officer console in a real browser (Debian chromium) against the real server on a seeded
// embedded database: sign in, find a seeded person by name and date of birth, see their household.

const screenshots = path.resolve(import.meta.dirname, '../../../docs/screenshots');
let server: OfficerConsoleApp;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let token: string;
let supervisorToken: string;
let database: Database;

beforeAll(async () => {
  server = await startOfficerConsoleApp({ people: 400, seed: 3 });
  ({ app, database, baseUrl } = server);
  token = await server.token('01', 'e2e');
  supervisorToken = await server.token('VN', 'sup-e2e', 'supervisor');
  browser = await launchChromium();
});

/** A health-insurance card pushed by a registered agency, as its exchange client would. */
async function pushHealthInsuranceCard(idNumber: string) {
  const units = server.units;
  const subjectSecret = new Uint8Array(32).fill(9);
  const registry = {
    db: database.db,
    units,
    clock: systemClock,
    rules: defaultRules,
    audit: { subjectSecret, auditReads: true },
  };
  const ctx = {
    db: database.db,
    clock: systemClock,
    logger: createLogger('silent'),
    registry,
    subjectSecret,
  };
  const purpose = {
    code: 'health.insurance',
    description: 'Bảo hiểm y tế',
    legalBasis: 'Luật Bảo hiểm y tế',
    fields: [],
  };
  const agency = await registerAgency(ctx, {
    name: 'Bảo hiểm xã hội Việt Nam',
    scopes: ['exchange.enrich'],
    purposes: [purpose],
    documentKinds: ['healthInsuranceCard'],
    jwks: { keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })] },
  });
  const pushed = await pushDocuments(ctx, { agency, scopes: agency.scopes }, purpose.code, [
    { kind: 'healthInsuranceCard', idNumber, number: 'GD4010123456789', validUntil: '2099-12-31' },
  ]);
  expect(pushed.summary.stored).toBe(1);
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('officer console (Chromium)', () => {
  it('finds a seeded person by name and date of birth and shows their household', async () => {
    // A person in a household of at least three, whose name + date of birth is unambiguous.
    const { rows } = await sql<{
      id_number: string;
      full_name: string;
      date_of_birth: string;
      household_id: number;
    }>`
      SELECT p.id_number, p.full_name, p.date_of_birth, p.household_id FROM registry.person p
      WHERE p.household_id IN (SELECT household_id FROM registry.person GROUP BY household_id HAVING count(*) >= 3)
        AND p.date_of_death IS NULL
      ORDER BY p.id_number LIMIT 1`.execute(database.db);
    const person = rows[0]!;
    await pushHealthInsuranceCard(person.id_number);
    const { rows: members } = await sql<{ full_name: string }>`
      SELECT full_name FROM registry.person WHERE household_id = ${person.household_id}`.execute(database.db);

    const page = await browser.newPage({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}/officer`);
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('officer-unit').textContent()).toContain('Hà Nội');
    // Only national supervisors see the exchange's administration (the API refuses others too).
    expect(await page.getByTestId('nav-exchange').count()).toBe(0);

    await page.getByTestId('search-full-name').fill(person.full_name);
    await page.getByTestId('search-date-of-birth').fill(person.date_of_birth);
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-result-link').first().waitFor();
    expect(await page.getByTestId('search-result-row').count()).toBeGreaterThanOrEqual(1);
    await page.getByTestId('search-result-link').first().click();

    await expect.poll(() => page.getByTestId('person-name').textContent()).toBe(person.full_name);
    const names = page.getByTestId('household-section').getByTestId('household-member-name');
    await names.first().waitFor();
    const shown = await names.allTextContents();
    expect(shown.sort()).toEqual(members.map((m) => m.full_name).sort());
    // The document a sector agency pushed, in its own section.
    const documents = page.getByTestId('documents-section');
    await documents.getByTestId('document-item').first().waitFor();
    expect(await documents.getByTestId('document-kind').allTextContents()).toEqual(['Thẻ bảo hiểm y tế']);
    expect(await documents.getByTestId('document-number').allTextContents()).toEqual(['GD4010123456789']);
    expect(await documents.getByTestId('document-status').allTextContents()).toEqual(['Còn hiệu lực']);
    // No personal data in the URL or in browser storage.
    expect(page.url()).not.toContain(person.id_number);
    expect(decodeURIComponent(page.url())).not.toContain(person.full_name);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

    // README screenshots are refreshed on request only, so a test run leaves the tree clean.
    if (process.env.DINHDANH_SCREENSHOTS === '1') {
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'officer-person.png') });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: path.join(screenshots, 'officer-person-phone.png') });
    }
    await page.close();
  });

  it('shows a supervisor the access log, including the reads just made', async () => {
    const { rows } = await sql<{ full_name: string; date_of_birth: string }>`
      SELECT full_name, date_of_birth FROM registry.person ORDER BY id_number DESC LIMIT 1`.execute(
      database.db,
    );
    const person = rows[0]!;
    const page = await browser.newPage({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}/officer`);
    await page.getByTestId('token-input').fill(supervisorToken);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('search-full-name').fill(person.full_name);
    await page.getByTestId('search-date-of-birth').fill(person.date_of_birth);
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-result-link').first().click();
    const entries = page.getByTestId('access-log-section').getByTestId('access-log-entry');
    await entries.first().waitFor();
    const text = (await entries.allTextContents()).join('\n');
    expect(text).toContain('Xem thông tin');
    expect(text).toContain('sup-e2e');
    if (process.env.DINHDANH_SCREENSHOTS === '1') {
      await page.getByTestId('person-nav-accessLog').click();
      await expect
        .poll(() =>
          page.evaluate(() => document.getElementById('section-access-log')?.getBoundingClientRect().top),
        )
        .toBeLessThan(40);
      await page.screenshot({ path: path.join(screenshots, 'officer-access-log.png') });
    }
    await page.close();
  });

  it('lets a national supervisor register an agency, see its client id and usage pages, and disable it', async () => {
    const page = await browser.newPage({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}/officer`);
    await page.getByTestId('token-input').fill(supervisorToken);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-exchange').click();
    await page.getByTestId('agency-register').click();

    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    await page.getByTestId('agency-form-name').fill('Cục Thuế (thử nghiệm)');
    const scopes = page.getByTestId('agency-form-scopes');
    await scopes.getByLabel('Xác thực thông tin', { exact: true }).check();
    await scopes.getByLabel('Tra cứu theo mục đích', { exact: true }).check();
    const first = page.getByTestId('agency-form-purpose').nth(0);
    await first.getByTestId('purpose-code').fill('tax.registration');
    await first.getByTestId('purpose-description').fill('Đăng ký mã số thuế cá nhân');
    await first.getByTestId('purpose-legal-basis').fill('Luật Quản lý thuế 2019, Điều 30');
    await first.getByTestId('purpose-fields').getByLabel('Họ và tên', { exact: true }).check();
    await first.getByTestId('purpose-fields').getByLabel('Ngày sinh', { exact: true }).check();
    await page.getByTestId('agency-form-add-purpose').click();
    const second = page.getByTestId('agency-form-purpose').nth(1);
    await second.getByTestId('purpose-code').fill('tax.refund');
    await second.getByTestId('purpose-description').fill('Hoàn thuế thu nhập cá nhân');
    await second.getByTestId('purpose-needs-consent').check();
    await page.getByTestId('agency-form-event-types').getByLabel('Khai tử', { exact: true }).check();
    await page.getByTestId('agency-form-jwks').fill(JSON.stringify({ keys: [{ ...jwk, use: 'sig' }] }));
    await page.getByTestId('agency-form-submit').click();

    const created = page.getByTestId('agency-created-client-id');
    await created.waitFor();
    const clientId = (await created.textContent())?.trim() ?? '';
    expect(clientId).not.toBe('');
    // What the server stored is what the form said, the consent purpose without a legal basis.
    const stored = await app.inject({
      method: 'GET',
      url: '/api/exchange/v1/admin/agencies',
      headers: { authorization: `Bearer ${supervisorToken}` },
    });
    const agency = stored.json().items.find((item: { agencyId: string }) => item.agencyId === clientId);
    expect(agency).toMatchObject({
      name: 'Cục Thuế (thử nghiệm)',
      scopes: ['exchange.verify', 'exchange.lookup'],
      purposes: [
        {
          code: 'tax.registration',
          legalBasis: 'Luật Quản lý thuế 2019, Điều 30',
          fields: ['fullName', 'dateOfBirth'],
        },
        { code: 'tax.refund', legalBasis: null, fields: [] },
      ],
      eventTypes: ['person.died'],
      disabled: false,
    });

    await page.getByTestId('agency-created-back').click();
    const item = page.getByTestId('agency-item').filter({ hasText: 'Cục Thuế (thử nghiệm)' });
    await item.waitFor();
    expect((await item.getByTestId('agency-client-id').textContent())?.trim()).toBe(clientId);
    expect(await item.getByTestId('agency-purposes').textContent()).toContain('Cần sự đồng ý của công dân');
    if (process.env.DINHDANH_SCREENSHOTS === '1') {
      await page.screenshot({ path: path.join(screenshots, 'officer-agencies.png') });
    }

    await page.getByTestId('exchange-nav-usage').click();
    expect(await page.getByTestId('usage-empty').textContent()).toBe(
      'Chưa có lượt sử dụng nào trong 30 ngày qua.',
    );
    await page.getByTestId('exchange-nav-jobs').click();
    expect(await page.getByTestId('jobs-empty').textContent()).toBe('Chưa có lệnh đối soát nào.');
    await page.getByTestId('exchange-nav-dead-letters').click();
    expect(await page.getByTestId('dead-letters-empty').textContent()).toBe(
      'Không có sự kiện nào gửi thất bại.',
    );

    await page.getByTestId('exchange-nav-agencies').click();
    await item.getByTestId('agency-disable').click();
    await page.getByTestId('disable-submit').click();
    await expect.poll(() => item.getByTestId('agency-status').textContent()).toBe('Đã vô hiệu hóa');
    expect(await page.getByTestId('exchange-notice').textContent()).toContain('Cục Thuế (thử nghiệm)');
    expect(await item.getByTestId('agency-disable').count()).toBe(0);
    await page.close();
  });

  it('shows a catalogued error in Vietnamese for an invalid token', async () => {
    const page = await browser.newPage({ locale: 'vi-VN' });
    await page.goto(`${baseUrl}/officer`);
    await page.getByTestId('token-input').fill('not-a-token');
    await page.getByTestId('sign-in-submit').click();
    const alert = page.getByTestId('problem-alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/xác thực|không hợp lệ/i);
    await page.close();
  });
});
