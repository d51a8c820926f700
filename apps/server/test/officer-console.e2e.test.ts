import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { createLogger, loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, issueOfficerToken, seedPopulation } from '@dinhdanh/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { prepareDatabase } from '../src/platform.ts';
import { launchChromium } from './e2e-browser.ts';

// The officer console in a real browser (Debian chromium) against the real server on a seeded
// embedded database: sign in, find a seeded person by name and date of birth, see their household.

const screenshots = path.resolve(import.meta.dirname, '../../../docs/screenshots');
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let token: string;
let supervisorToken: string;
let database: Awaited<ReturnType<typeof openDatabase>>;

beforeAll(async () => {
  database = await openDatabase({});
  await prepareDatabase(database);
  await seedPopulation(database, { people: 400, seed: 3 });
  const units = await AdminUnits.load(database.db);
  const key = new Uint8Array(32).fill(7);
  app = await buildApp({
    config: loadConfig({ DINHDANH_MODE: 'test' }),
    database,
    units,
    officerTokenKey: key,
    subjectSecret: new Uint8Array(32).fill(9),
    logger: createLogger('silent'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  token = (await issueOfficerToken(key, units, { unit: '01', officerId: 'e2e' })).token;
  supervisorToken = (
    await issueOfficerToken(key, units, { unit: 'VN', officerId: 'sup-e2e', role: 'supervisor' })
  ).token;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
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
      ORDER BY p.id_number LIMIT 1`.execute(database.db);
    const person = rows[0]!;
    const { rows: members } = await sql<{ full_name: string }>`
      SELECT full_name FROM registry.person WHERE household_id = ${person.household_id}`.execute(database.db);

    const page = await browser.newPage({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    await page.goto(baseUrl);
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('officer-unit').textContent()).toContain('Hà Nội');

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
    await page.goto(baseUrl);
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
      await page.getByTestId('access-log-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshots, 'officer-access-log.png') });
    }
    await page.close();
  });

  it('shows a catalogued error in Vietnamese for an invalid token', async () => {
    const page = await browser.newPage({ locale: 'vi-VN' });
    await page.goto(baseUrl);
    await page.getByTestId('token-input').fill('not-a-token');
    await page.getByTestId('sign-in-submit').click();
    const alert = page.getByTestId('problem-alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/xác thực|không hợp lệ/i);
    await page.close();
  });
});
