import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '@dinhdanh/db';
import { foldVietnamese } from '@dinhdanh/kernel';
import { decodeIdNumber } from '@dinhdanh/registry';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './e2e-browser.ts';
import { type OfficerConsoleApp, startOfficerConsoleApp } from './e2e-officer-app.ts';

// The registry clerk in a real browser (issue 11, items 7–9): search that pages past 50 and says
// how many; a birth recorded through the screens (review, then the new ID number, then found by
// search); a correction seen in the history in human words.

const screenshots = path.resolve(import.meta.dirname, '../../../docs/screenshots');
let server: OfficerConsoleApp;
let browser: Browser;
let token: string;

/** `count` people named `name`, straight into the current-state table (only search reads them). */
async function insertPeople(database: Database, name: string, count: number, first: number) {
  await sql`
    INSERT INTO registry.person (id_number, full_name, name_key, date_of_birth, sex)
    SELECT lpad((${first}::bigint + i)::text, 12, '0'), ${name}, ${foldVietnamese(name)},
           DATE '1970-01-01' + i, 'female'
    FROM generate_series(0, ${count - 1}) AS i`.execute(database.db);
}

beforeAll(async () => {
  server = await startOfficerConsoleApp({
    people: 400,
    seed: 5,
    prepare: async (database) => {
      await insertPeople(database, 'Hà Thị Mai', 130, 920_000_000_000);
      await insertPeople(database, 'Lò Văn Đông', 10_010, 930_000_000_000);
    },
  });
  token = await server.token('01', 'hn-clerk');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(viewport = { width: 1280, height: 900 }, as = token): Promise<Page> {
  const page = await browser.newPage({ locale: 'vi-VN', viewport });
  await page.goto(`${server.baseUrl}/officer`);
  await page.getByTestId('token-input').fill(as);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('officer-unit').waitFor();
  return page;
}

async function searchByName(page: Page, name: string) {
  await page.getByTestId('search-full-name').fill(name);
  await page.getByTestId('search-submit').click();
}

const statusOf = (page: Page) => page.getByTestId('search-status').textContent();

/** Nothing personal in the address bar or in the browser's storage. */
async function expectNothingPersonal(page: Page, ...values: string[]) {
  const url = decodeURIComponent(page.url());
  for (const value of values) expect(url).not.toContain(value);
  expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
}

describe('registry clerk (Chromium)', () => {
  it('pages search results past 50 and says how many there are', async () => {
    const page = await signIn();
    await searchByName(page, 'Hà Thị Mai');
    await expect.poll(() => statusOf(page)).toBe('Tìm thấy 130 công dân. Đang hiển thị 1–50.');
    const rows = page.getByTestId('search-result-row');
    expect(await rows.count()).toBe(50);
    const first = await rows.first().textContent();

    const pages = page.getByTestId('search-pagination');
    await pages.getByRole('button', { name: 'Trang 3' }).click();
    await expect.poll(() => statusOf(page)).toBe('Tìm thấy 130 công dân. Đang hiển thị 101–130.');
    expect(await rows.count()).toBe(30);
    await pages.getByRole('button', { name: 'Trang trước' }).click();
    await expect.poll(() => statusOf(page)).toBe('Tìm thấy 130 công dân. Đang hiển thị 51–100.');
    expect(await rows.first().textContent()).not.toBe(first);

    // More than a count goes: said as such, paged only within the first 10,000.
    await searchByName(page, 'Lò Văn Đông');
    await expect.poll(() => statusOf(page)).toBe('Tìm thấy hơn 10.000 công dân. Đang hiển thị 1–50.');
    expect(await page.getByTestId('search-narrow').textContent()).toContain('10.000 kết quả đầu tiên');
    await pages.getByRole('button', { name: 'Trang 200' }).click();
    await expect.poll(() => statusOf(page)).toBe('Tìm thấy hơn 10.000 công dân. Đang hiển thị 9.951–10.000.');
    await expectNothingPersonal(page, 'Lò Văn Đông', 'Hà Thị Mai');
    await page.close();
  });

  it('records a birth through the screens: review, the new ID number, then found by search', async () => {
    // A living mother of Hà Nội in a household, old enough to have a child born in 2024.
    const { rows } = await sql<{ id_number: string; full_name: string }>`
      SELECT id_number, full_name FROM registry.person
      WHERE sex = 'female' AND permanent_province_code = '01' AND household_id IS NOT NULL
        AND date_of_death IS NULL AND date_of_birth BETWEEN '1985-01-01' AND '2000-12-31'
      ORDER BY id_number LIMIT 1`.execute(server.database.db);
    const mother = rows[0]!;
    const child = 'Âu Dương Khánh Vy';

    const page = await signIn();
    await page.getByTestId('nav-records').click();
    await page.getByTestId('records-start-birth').click();
    // The form refuses an empty submission, field by field, before any request.
    await page.getByTestId('record-review').click();
    await expect
      .poll(() => page.getByTestId('record-errors').textContent())
      .toMatch(/^Có \d+ thông tin cần sửa\.$/);

    await page.getByTestId('field-fullName').fill(child);
    await page.getByTestId('field-dateOfBirth').fill('02/03/2024');
    await page.getByTestId('field-sex-female').check();
    await page.getByTestId('field-placeOfBirth').fill('Bệnh viện Phụ sản Hà Nội');
    await page.getByTestId('field-registrationCommuneCode').selectOption('00004');
    await page.getByTestId('field-motherIdNumber').fill(mother.id_number);
    await expect
      .poll(() => page.getByTestId('person-card-motherIdNumber').textContent())
      .toContain(mother.full_name);
    // The mother's household is offered, and chosen until the clerk says otherwise.
    await expect.poll(() => page.getByTestId('field-residence-mother').isChecked()).toBe(true);
    await page.getByTestId('field-reason').fill('Khai sinh đúng hạn');
    await page.getByTestId('record-review').click();

    const review = page.getByTestId('record-review-step');
    await review.waitFor();
    const table = await review.getByTestId('change-table').textContent();
    for (const shown of [
      child,
      '02/03/2024',
      'Nữ',
      'Bệnh viện Phụ sản Hà Nội',
      'Phường Ba Đình, Thành phố Hà Nội',
      `${mother.full_name} · ${mother.id_number}`,
      'Được cấp khi xác nhận',
      'Nhập hộ tại',
    ])
      expect(table).toContain(shown);
    expect(await review.getByTestId('review-reason').textContent()).toBe('Khai sinh đúng hạn');
    expect(await review.getByTestId('review-legal-basis').textContent()).toBe('Luật Hộ tịch 60/2014/QH13');
    if (process.env.DINHDANH_SCREENSHOTS === '1') {
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, 'officer-birth-review.png'), fullPage: true });
    }
    // Nothing is written before the confirmation.
    const before = await sql<{ n: string | number }>`
      SELECT count(*) AS n FROM registry.person WHERE full_name = ${child}`.execute(server.database.db);
    expect(Number(before.rows[0]?.n)).toBe(0);

    await page.getByTestId('record-confirm').click();
    const idNumber = (await page.getByTestId('record-result-id-number').textContent())?.trim() ?? '';
    const decoded = decodeIdNumber(idNumber);
    expect(decoded.ok && decoded.value).toMatchObject({
      provinceCode: '001',
      sex: 'female',
      birthYear: 2024,
    });
    const stored = await sql<{ mother_id_number: string; household_id: string | null }>`
      SELECT mother_id_number, household_id FROM registry.person WHERE id_number = ${idNumber}`.execute(
      server.database.db,
    );
    expect(stored.rows[0]).toMatchObject({ mother_id_number: mother.id_number });
    expect(stored.rows[0]?.household_id).not.toBeNull();
    await expectNothingPersonal(page, idNumber, child, mother.id_number);

    // Found by search, and its page names the mother.
    await page.getByTestId('nav-search').click();
    await searchByName(page, child);
    await expect.poll(() => statusOf(page)).toBe('Tìm thấy 1 công dân. Đang hiển thị 1–1.');
    expect(await page.getByTestId('search-result-row').textContent()).toContain(idNumber);
    await page.getByTestId('search-result-link').click();
    await expect.poll(() => page.getByTestId('person-id-number').textContent()).toBe(idNumber);
    await expect.poll(() => page.getByTestId('relation-mother').textContent()).toBe(mother.full_name);
    await page.close();
  });

  it('records a correction and shows it, and the seeded record, in human words in the history', async () => {
    // A seeded person of Hà Nội with a portrait reference and no current residence yet.
    const { rows } = await sql<{ id_number: string; full_name: string }>`
      SELECT id_number, full_name FROM registry.person
      WHERE permanent_province_code = '01' AND date_of_death IS NULL AND current_residence IS NULL
        AND biometrics ? 'face' AND old_id_number IS NULL
      ORDER BY id_number LIMIT 1`.execute(server.database.db);
    const person = rows[0]!;

    const page = await signIn();
    await page.getByTestId('id-lookup-input').fill(person.id_number);
    await page.getByTestId('id-lookup-submit').click();
    await expect.poll(() => page.getByTestId('person-name').textContent()).toBe(person.full_name);
    await page.getByTestId('record-action-correction').click();
    // Opened from the person's page: they are filled in.
    await expect
      .poll(() => page.getByTestId('person-card-idNumber').textContent())
      .toContain(person.full_name);
    await page.getByTestId('field-field').selectOption('currentResidence');
    await page.getByTestId('field-value.communeCode').selectOption('00004');
    await page.getByTestId('field-value-detail').fill('Số 7 ngõ Huế');
    await page.getByTestId('field-reason').fill('Công dân khai báo nơi ở hiện tại');
    await page.getByTestId('record-review').click();
    const row = page.getByTestId('record-review-step').getByTestId('change-row');
    await row.waitFor();
    expect(await row.textContent()).toBe(
      'Nơi ở hiện tại—Số 7 ngõ Huế, Phường Ba Đình, Thành phố Hà NộiThay đổi',
    );
    await page.getByTestId('record-confirm').click();
    await page.getByTestId('record-result').waitFor();
    await page.getByTestId('record-result-person').click();

    // The history, newest first: the correction, then the seeded record, all in words.
    await page.getByTestId('person-nav-history').click();
    const events = page.getByTestId('history-section').getByTestId('history-event');
    await expect
      .poll(() => events.first().getByTestId('history-event-type').textContent())
      .toBe('Điều chỉnh thông tin');
    const correction = (await events.first().textContent()) ?? '';
    expect(correction).toContain('Cán bộ công an · Thành phố Hà Nội · mã cán bộ hn-clerk');
    expect(correction).toContain('Lý do: Công dân khai báo nơi ở hiện tại');
    expect(correction).toContain('Trước: — → Sau: Số 7 ngõ Huế, Phường Ba Đình, Thành phố Hà Nội');
    const initial = events.last();
    expect(await initial.getByTestId('history-event-type').textContent()).toBe('Nhập dữ liệu ban đầu');
    const seeded = (await initial.textContent()) ?? '';
    expect(seeded).toContain('Hệ thống (nạp dân cư mô phỏng)');
    expect(seeded).toContain('Lý do: Dân cư mô phỏng để trình diễn');
    // References only, in words (the seed records a portrait, and fingerprints from age 14).
    expect(await initial.locator('[data-field="biometrics"]').textContent()).toMatch(
      /^Đã ghi nhận ảnh chân dung(; Đã ghi nhận vân tay)?$/,
    );
    expect(await initial.locator('[data-field="oldIdNumber"]').textContent()).toBe('—');
    expect(await initial.locator('[data-field="permanentAddress"]').textContent()).toMatch(
      /, Thành phố Hà Nội$/,
    );
    const history = (await page.getByTestId('history-section').textContent()) ?? '';
    for (const developerText of [
      'templateHash',
      'imageKey',
      'mã xã',
      'Đã xoá',
      'synthetic',
      'system:',
      'officer:',
    ])
      expect(history).not.toContain(developerText);
    expect(history).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    // The same history in English: labels follow the language.
    await page.getByTestId('language-switch').locator('label', { hasText: 'English' }).click();
    await expect
      .poll(() => events.first().getByTestId('history-event-type').textContent())
      .toBe('Information corrected');
    expect(await initial.locator('[data-field="biometrics"]').textContent()).toMatch(
      /^Portrait recorded(; Fingerprints recorded)?$/,
    );
    expect(await events.first().textContent()).toContain(
      'Police officer · Thành phố Hà Nội · officer code hn-clerk',
    );
    await expectNothingPersonal(page, person.id_number, person.full_name);
    await page.close();
  });

  it('records a marriage, a divorce, a death, a guardian and a parent through their screens', async () => {
    // A national officer, so the seeded people may live anywhere.
    const person = async (where: ReturnType<typeof sql>) => {
      const { rows } = await sql<{ id_number: string; full_name: string }>`
        SELECT id_number, full_name FROM registry.person WHERE date_of_death IS NULL AND ${where}
        ORDER BY id_number LIMIT 1`.execute(server.database.db);
      if (!rows[0]) throw new Error('the seeded population has no such person');
      return rows[0];
    };
    const man = await person(sql`sex = 'male' AND marital_status = 'single' AND date_of_birth < '2000-01-01'
      AND father_id_number IS NULL AND mother_id_number IS NULL`);
    const woman =
      await person(sql`sex = 'female' AND marital_status = 'single' AND date_of_birth < '2000-01-01'
      AND father_id_number IS NULL AND mother_id_number IS NULL`);
    const ward = await person(sql`date_of_birth > '2012-01-01' AND guardian_id_number IS NULL`);
    const fatherless = await person(sql`date_of_birth > '2008-01-01' AND father_id_number IS NULL`);
    const father = await person(
      sql`sex = 'male' AND date_of_birth < '1975-01-01' AND id_number <> ${man.id_number}`,
    );

    const page = await signIn(undefined, await server.token('VN', 'vn-clerk'));
    const open = async (who: { id_number: string }) => {
      await page.getByTestId('nav-search').click();
      await page.getByTestId('id-lookup-input').fill(who.id_number);
      await page.getByTestId('id-lookup-submit').click();
      await expect.poll(() => page.getByTestId('person-id-number').textContent()).toBe(who.id_number);
    };
    /** Reviews, checks what the review shows, confirms and waits for the result. */
    const reviewAndConfirm = async (shown: string[]) => {
      await page.getByTestId('record-review').click();
      const review = page.getByTestId('record-review-step');
      await review.waitFor();
      const text = (await review.textContent()) ?? '';
      for (const expected of shown) expect(text).toContain(expected);
      await page.getByTestId('record-confirm').click();
      await page.getByTestId('record-result').waitFor();
    };
    const row = async (idNumber: string) =>
      (
        await sql<Record<string, string | null>>`
          SELECT marital_status, spouse_id_number, date_of_death::text, guardian_id_number, father_id_number
          FROM registry.person WHERE id_number = ${idNumber}`.execute(server.database.db)
      ).rows[0]!;

    // Marriage, from the man's page: he is filled in, the other party is typed.
    await open(man);
    await page.getByTestId('record-action-marriage').click();
    await expect.poll(() => page.getByTestId('person-card-partyA').textContent()).toContain(man.full_name);
    await page.getByTestId('field-partyB').fill(woman.id_number);
    await expect.poll(() => page.getByTestId('person-card-partyB').textContent()).toContain(woman.full_name);
    await page.getByTestId('field-marriageDate').fill('05/06/2024');
    await reviewAndConfirm([
      'Chưa kết hôn',
      'Đã kết hôn',
      `${woman.full_name} · ${woman.id_number}`,
      '05/06/2024',
    ]);
    expect(await row(man.id_number)).toMatchObject({
      marital_status: 'married',
      spouse_id_number: woman.id_number,
    });

    // Divorce, from his page: the other party is his spouse, filled in.
    await page.getByTestId('record-result-person').first().click();
    await page.getByTestId('record-action-divorce').click();
    await expect.poll(() => page.getByTestId('field-partyB').inputValue()).toBe(woman.id_number);
    await page.getByTestId('field-divorceDate').fill('01/02/2025');
    await reviewAndConfirm(['Đã kết hôn', 'Đã ly hôn']);
    expect(await row(woman.id_number)).toMatchObject({ marital_status: 'divorced', spouse_id_number: null });

    // A guardian for a minor, the woman.
    await open(ward);
    await page.getByTestId('record-action-guardianship').click();
    await page.getByTestId('field-guardianIdNumber').fill(woman.id_number);
    await page.getByTestId('field-startDate').fill('03/03/2025');
    await reviewAndConfirm(['Người giám hộ', `${woman.full_name} · ${woman.id_number}`, '03/03/2025']);
    expect(await row(ward.id_number)).toMatchObject({ guardian_id_number: woman.id_number });

    // A father for a child without one. The form refuses a woman as father before any request.
    await open(fatherless);
    await page.getByTestId('record-action-parentage').click();
    await page.getByTestId('field-role-father').check();
    await page.getByTestId('field-parentIdNumber').fill(woman.id_number);
    await page.getByTestId('field-recognitionDate').fill('10/11/2025');
    await page.getByTestId('record-review').click();
    await expect.poll(() => page.getByTestId('record-errors').textContent()).toBe('Có 1 thông tin cần sửa.');
    await page.getByTestId('field-parentIdNumber').fill(father.id_number);
    await expect
      .poll(() => page.getByTestId('person-card-parentIdNumber').textContent())
      .toContain(father.full_name);
    await reviewAndConfirm(['Cha', `${father.full_name} · ${father.id_number}`, '10/11/2025']);
    expect(await row(fatherless.id_number)).toMatchObject({ father_id_number: father.id_number });

    // The man's death; his page then offers only a correction.
    await open(man);
    await page.getByTestId('record-action-death').click();
    await page.getByTestId('field-dateOfDeath').fill('15/10/2025');
    await reviewAndConfirm(['Ngày mất', '15/10/2025']);
    expect(await row(man.id_number)).toMatchObject({ date_of_death: '2025-10-15' });
    await page.getByTestId('record-result-person').first().click();
    await expect
      .poll(() => page.getByTestId('record-actions').getByRole('link').allTextContents())
      .toEqual(['Điều chỉnh thông tin']);
    await expectNothingPersonal(page, man.id_number, woman.id_number, man.full_name);
    await page.close();
  });

  it('lets a clerk jump between the person page’s sections on a phone', async () => {
    const { rows } = await sql<{ id_number: string }>`
      SELECT id_number FROM registry.person WHERE permanent_province_code = '01' ORDER BY id_number DESC LIMIT 1`.execute(
      server.database.db,
    );
    const page = await signIn({ width: 390, height: 844 });
    await page.getByTestId('id-lookup-input').fill(rows[0]!.id_number);
    await page.getByTestId('id-lookup-submit').click();
    const nav = page.getByTestId('person-nav');
    await nav.waitFor();
    await nav.getByTestId('person-nav-history').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('section-history');
    // The section comes to the top, under the bar, which stays there while the page scrolls.
    await expect
      .poll(() =>
        page.evaluate(() => document.getElementById('section-history')?.getBoundingClientRect().top),
      )
      .toBeGreaterThan(40);
    await expect
      .poll(() =>
        page.evaluate(() => document.getElementById('section-history')?.getBoundingClientRect().top),
      )
      .toBeLessThan(120);
    expect((await nav.boundingBox())?.y).toBeLessThan(5);
    // …and says where the reader is.
    expect(await nav.getByTestId('person-nav-history').getAttribute('aria-current')).toBe('location');
    expect(await nav.locator('[aria-current]').count()).toBe(1);
    if (process.env.DINHDANH_SCREENSHOTS === '1') {
      await page.screenshot({ path: path.join(screenshots, 'officer-person-sections-phone.png') });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(screenshots, 'officer-person-sections.png') });
    }
    await page.close();
  });
});
