import { testDatabaseKind } from '@dinhdanh/db/testing';
import { decodeIdNumber, readRegistryChanges } from '@dinhdanh/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
let hanoi: string; // officer of Hà Nội province
let baDinh: string; // officer of Phường Ba Đình (Hà Nội)
let hcmc: string; // officer of TP Hồ Chí Minh

beforeAll(async () => {
  t = await createTestApp();
  hanoi = await t.token('01', 'hn-1');
  baDinh = await t.token('00004', 'bd-1');
  hcmc = await t.token('79', 'hcm-1');
});
afterAll(() => t.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function registerBirth(token: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/api/registry/v1/births',
    headers: auth(token),
    payload: {
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1990-05-17',
      sex: 'male',
      placeOfBirth: 'Bệnh viện Bạch Mai, Hà Nội',
      registrationCommuneCode: '00004',
      permanentAddress: { communeCode: '00004', detail: 'Số 12 phố Quán Thánh' },
      ...body,
    },
  });
}

async function born(token: string, body: Record<string, unknown>) {
  const response = await registerBirth(token, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe(`registry API (${testDatabaseKind()})`, () => {
  it('requires an officer token and rejects a forged one', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/registry/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json()).toMatchObject({ code: 'ERR_UNAUTHENTICATED', status: 401 });
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/registry/v1/me',
      headers: auth(`${hanoi.slice(0, -4)}AAAA`),
    });
    expect(forged.json().code).toBe('ERR_UNAUTHENTICATED');
    const me = await t.app.inject({ method: 'GET', url: '/api/registry/v1/me', headers: auth(baDinh) });
    expect(me.json()).toEqual({
      officerId: 'bd-1',
      unit: { code: '00004', level: 'commune', name: 'Phường Ba Đình', provinceCode: '01' },
      role: 'officer',
    });
  });

  it('refuses an expired token even after it was accepted before', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/registry/v1/me', headers: auth(hanoi) })).statusCode,
    ).toBe(200);
    t.clock.set('2026-11-24T04:00:00Z');
    try {
      const expired = await t.app.inject({ method: 'GET', url: '/api/registry/v1/me', headers: auth(hanoi) });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().code).toBe('ERR_UNAUTHENTICATED');
    } finally {
      t.clock.set('2026-11-23T03:00:00Z');
    }
  });

  it('registers a birth and assigns an ID number consistent with province, sex and year', async () => {
    const person = await born(baDinh, {});
    const decoded = decodeIdNumber(person.idNumber);
    expect(decoded.ok && decoded.value).toMatchObject({ provinceCode: '001', sex: 'male', birthYear: 1990 });
    expect(person.permanentAddress).toMatchObject({
      communeCode: '00004',
      communeName: 'Phường Ba Đình',
      provinceCode: '01',
      provinceName: 'Thành phố Hà Nội',
    });
    const fetched = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${person.idNumber}`,
      headers: auth(hcmc),
    });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toMatchObject({
      idNumber: person.idNumber,
      fullName: 'Nguyễn Văn An',
      sex: 'male',
      version: 1,
    });
  });

  it('uses the pre-2025 province of the commune for the ID number (Thủ Dầu Một → Bình Dương 074)', async () => {
    const person = await born(hcmc, {
      registrationCommuneCode: '25747',
      permanentAddress: { communeCode: '25747', detail: 'Số 5 đường Yersin' },
      sex: 'female',
      fullName: 'Trần Thị Bình',
      dateOfBirth: '2005-01-02',
    });
    expect(person.idNumber.slice(0, 6)).toBe('074305');
  });

  it('refuses writes outside the officer unit and changes nothing', async () => {
    const response = await registerBirth(hcmc, {});
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'ERR_FORBIDDEN_UNIT' });
    expect(response.json().messages.vi).toContain('đơn vị hành chính');
    const search = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/people/search',
      headers: auth(hanoi),
      payload: { fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17' },
    });
    expect(search.json().items).toHaveLength(1);
  });

  it.each([
    ['a future date of birth', { dateOfBirth: '2030-01-01' }, 'ERR_DATE_OF_BIRTH_INVALID'],
    ['an impossible date', { dateOfBirth: '2001-02-30' }, 'ERR_VALIDATION'],
    ['an unknown commune', { registrationCommuneCode: '99999' }, 'ERR_ADMIN_UNIT_UNKNOWN'],
    [
      'an unknown address unit',
      { permanentAddress: { communeCode: '12345', detail: 'x' } },
      'ERR_ADMIN_UNIT_UNKNOWN',
    ],
    ['a name with digits', { fullName: 'Nguyễn 123' }, 'ERR_VALIDATION'],
    ['an unknown sex', { sex: 'x' }, 'ERR_VALIDATION'],
    ['a malformed parent ID', { fatherIdNumber: '12345' }, 'ERR_VALIDATION'],
  ])('rejects a birth with %s', async (_name, body, code) => {
    const response = await registerBirth(baDinh, body);
    expect(response.json().code).toBe(code);
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
  });

  it('rejects malformed and oversized JSON with catalogued errors', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/births',
      headers: { ...auth(baDinh), 'content-type': 'application/json' },
      payload: '{"fullName": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('ERR_MALFORMED_JSON');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/births',
      headers: { ...auth(baDinh), 'content-type': 'application/json' },
      payload: JSON.stringify({ fullName: 'a'.repeat(2_000_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('ERR_PAYLOAD_TOO_LARGE');
  });

  it('validates ID numbers in paths with a reason', async () => {
    for (const [id, reason] of [
      ['12345', 'wrong_length'],
      ['08708400099x', 'not_digits'],
      ['999084000999', 'unknown_province'],
      ['001999000001', 'birth_year_in_future'],
    ] as const) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/registry/v1/people/${id}`,
        headers: auth(hanoi),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'ERR_ID_NUMBER_INVALID', reason });
    }
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/registry/v1/people/001090999999',
      headers: auth(hanoi),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('ERR_PERSON_NOT_FOUND');
  });

  it('links a child to parents and refuses a parent who is too young or of the wrong sex', async () => {
    const father = await born(baDinh, { fullName: 'Lê Văn Cường', dateOfBirth: '1980-03-03' });
    const mother = await born(baDinh, {
      fullName: 'Phạm Thị Dung',
      dateOfBirth: '1982-04-04',
      sex: 'female',
    });
    const child = await born(baDinh, {
      fullName: 'Lê Minh Đức',
      dateOfBirth: '2010-06-06',
      fatherIdNumber: father.idNumber,
      motherIdNumber: mother.idNumber,
    });
    const relations = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${father.idNumber}/relations`,
      headers: auth(hanoi),
    });
    expect(relations.json().children.map((c: { idNumber: string }) => c.idNumber)).toEqual([child.idNumber]);
    const tooYoung = await registerBirth(baDinh, {
      dateOfBirth: '1985-01-01',
      fatherIdNumber: father.idNumber,
    });
    expect(tooYoung.json().code).toBe('ERR_PARENT_INVALID');
    const wrongSex = await registerBirth(baDinh, {
      dateOfBirth: '2012-01-01',
      motherIdNumber: father.idNumber,
    });
    expect(wrongSex.json().code).toBe('ERR_PARENT_INVALID');
    const unknownParent = await registerBirth(baDinh, {
      dateOfBirth: '2012-01-01',
      motherIdNumber: '001182999999',
    });
    expect(unknownParent.json().code).toBe('ERR_PERSON_NOT_FOUND');
  });

  it('registers a marriage and refuses bigamy, self-marriage, under-age and sibling marriages', async () => {
    const groom = await born(baDinh, { fullName: 'Đỗ Văn Giang', dateOfBirth: '1995-01-01' });
    const bride = await born(baDinh, { fullName: 'Vũ Thị Hoa', dateOfBirth: '1996-02-02', sex: 'female' });
    const other = await born(baDinh, { fullName: 'Bùi Thị Lan', dateOfBirth: '1997-03-03', sex: 'female' });
    const young = await born(baDinh, { fullName: 'Ngô Thị Mai', dateOfBirth: '2010-03-03', sex: 'female' });
    const marry = (a: string, b: string, token = baDinh) =>
      t.app.inject({
        method: 'POST',
        url: '/api/registry/v1/marriages',
        headers: auth(token),
        payload: { partyA: a, partyB: b, marriageDate: '2024-10-10' },
      });
    expect((await marry(groom.idNumber, groom.idNumber)).json().code).toBe('ERR_MARRIAGE_INVALID');
    expect((await marry(groom.idNumber, young.idNumber)).json().code).toBe('ERR_MARRIAGE_INVALID');
    expect((await marry(groom.idNumber, bride.idNumber, hcmc)).json().code).toBe('ERR_FORBIDDEN_UNIT');
    const ok = await marry(groom.idNumber, bride.idNumber);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().partyA).toMatchObject({ spouseIdNumber: bride.idNumber, maritalStatus: 'married' });
    expect(ok.json().partyB).toMatchObject({ spouseIdNumber: groom.idNumber, maritalStatus: 'married' });
    expect((await marry(groom.idNumber, other.idNumber)).json().code).toBe('ERR_MARRIAGE_INVALID');
    const divorce = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/divorces',
      headers: auth(baDinh),
      payload: { partyA: groom.idNumber, partyB: other.idNumber, divorceDate: '2025-01-01' },
    });
    expect(divorce.json().code).toBe('ERR_DIVORCE_INVALID');
  });

  it('records a death once, widows the spouse, and keeps the state as of an earlier date', async () => {
    const husband = await born(baDinh, { fullName: 'Hồ Văn Khánh', dateOfBirth: '1950-01-01' });
    const wife = await born(baDinh, { fullName: 'Dương Thị Liên', dateOfBirth: '1952-02-02', sex: 'female' });
    await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/marriages',
      headers: auth(baDinh),
      payload: { partyA: husband.idNumber, partyB: wife.idNumber, marriageDate: '1975-05-05' },
    });
    const death = { idNumber: husband.idNumber, dateOfDeath: '2026-01-15', reason: 'Giấy báo tử số 12' };
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/deaths',
      headers: auth(baDinh),
      payload: death,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().dateOfDeath).toBe('2026-01-15');
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/deaths',
      headers: auth(baDinh),
      payload: death,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('ERR_PERSON_DECEASED');
    // The change feed tells followers (eID accounts, agencies) of the death once, and of the
    // spouse's changed civil status; it carries field names, never values.
    const changes = await readRegistryChanges(t.database.db, { after: 0, limit: 1000 });
    const mine = changes.filter((c) => c.idNumber === husband.idNumber || c.idNumber === wife.idNumber);
    expect(mine.map((c) => [c.idNumber, c.type])).toEqual([
      [husband.idNumber, 'person.born'],
      [wife.idNumber, 'person.born'],
      [husband.idNumber, 'person.civil_status_changed'],
      [wife.idNumber, 'person.civil_status_changed'],
      [husband.idNumber, 'person.died'],
      [wife.idNumber, 'person.civil_status_changed'],
    ]);
    expect(mine.at(-2)).toMatchObject({ effectiveDate: '2026-01-15', fields: ['dateOfDeath'] });
    expect(mine.map((c) => c.id)).toEqual([...mine.map((c) => c.id)].sort((a, b) => a - b));
    const future = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/deaths',
      headers: auth(baDinh),
      payload: { idNumber: wife.idNumber, dateOfDeath: '2027-01-01' },
    });
    expect(future.json().code).toBe('ERR_DATE_INVALID');
    const widow = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${wife.idNumber}`,
      headers: auth(baDinh),
    });
    expect(widow.json()).toMatchObject({ maritalStatus: 'widowed', spouseIdNumber: null });
    const before = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${husband.idNumber}?asOf=2025-12-31`,
      headers: auth(baDinh),
    });
    expect(before.json()).toMatchObject({
      dateOfDeath: null,
      maritalStatus: 'married',
      spouseIdNumber: wife.idNumber,
    });
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${husband.idNumber}/history`,
      headers: auth(baDinh),
    });
    expect(history.json().events.map((e: { type: string }) => e.type)).toEqual([
      'birth_registered',
      'marriage_registered',
      'death_recorded',
    ]);
    expect(history.json().events[2]).toMatchObject({
      actor: 'officer:bd-1',
      reason: 'Giấy báo tử số 12',
      effectiveDate: '2026-01-15',
    });
  });

  it('corrects a field, keeps the previous value, and refuses protected fields', async () => {
    const person = await born(baDinh, { fullName: 'Nguyen Van Sai', dateOfBirth: '1991-01-01' });
    const correct = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/registry/v1/people/${person.idNumber}/corrections`,
        headers: auth(baDinh),
        payload,
      });
    const ok = await correct({
      field: 'fullName',
      value: 'Nguyễn Văn Sài',
      reason: 'Sai chính tả',
      legalBasis: 'Trích lục khai sinh',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().fullName).toBe('Nguyễn Văn Sài');
    expect((await correct({ field: 'idNumber', value: '001091000001' })).json().code).toBe(
      'ERR_FIELD_NOT_CORRECTABLE',
    );
    expect((await correct({ field: 'sex', value: 'female' })).json().code).toBe('ERR_FIELD_NOT_CORRECTABLE');
    expect((await correct({ field: 'dateOfBirth', value: '1992-01-01' })).json().code).toBe(
      'ERR_DATE_OF_BIRTH_INVALID',
    );
    expect((await correct({ field: 'ethnicity', value: '' })).json().code).toBe('ERR_VALIDATION');
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${person.idNumber}/history`,
      headers: auth(baDinh),
    });
    const last = history.json().events.at(-1);
    expect(last).toMatchObject({
      type: 'field_corrected',
      changes: { fullName: 'Nguyễn Văn Sài' },
      previous: { fullName: 'Nguyen Van Sai' },
    });
    expect(history.json().events).toHaveLength(2);
  });

  it('searches by folded name and date of birth, optionally in a province', async () => {
    const search = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/registry/v1/people/search', headers: auth(hanoi), payload });
    const exact = await search({ fullName: 'nguyen van sai', dateOfBirth: '1991-01-01' });
    expect(exact.json().items.map((p: { fullName: string }) => p.fullName)).toEqual(['Nguyễn Văn Sài']);
    const inProvince = await search({ fullName: 'NGUYỄN VĂN', provinceCode: '79' });
    expect(inProvince.json().items).toEqual([]);
    const badProvince = await search({ fullName: 'Nguyễn', provinceCode: '99' });
    expect(badProvince.json().code).toBe('ERR_ADMIN_UNIT_UNKNOWN');
    const wildcard = await search({ fullName: '%%' });
    expect(wildcard.json().items).toEqual([]);
  });

  it('never loses an event under concurrent writes to one person', async () => {
    const person = await born(baDinh, { fullName: 'Lý Văn Song', dateOfBirth: '1988-08-08' });
    const writes = 16;
    const responses = await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: `/api/registry/v1/people/${person.idNumber}/corrections`,
          headers: auth(baDinh),
          payload: { field: 'phone', value: `09120000${String(i).padStart(2, '0')}` },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(writes).fill(200));
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${person.idNumber}/history`,
      headers: auth(baDinh),
    });
    const versions = history.json().events.map((e: { version: number }) => e.version);
    expect(versions).toEqual(Array.from({ length: writes + 1 }, (_, i) => i + 1));
    const current = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${person.idNumber}`,
      headers: auth(baDinh),
    });
    expect(current.json().version).toBe(writes + 1);
  });

  it('registers a guardian, who must be a living adult other than the ward', async () => {
    const ward = await born(baDinh, { fullName: 'Mạc Văn Nhỏ', dateOfBirth: '2015-01-01' });
    const guardian = await born(baDinh, {
      fullName: 'Mạc Thị Lớn',
      dateOfBirth: '1970-01-01',
      sex: 'female',
    });
    const child = await born(baDinh, { fullName: 'Mạc Văn Bé', dateOfBirth: '2012-01-01' });
    const register = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/registry/v1/guardianships', headers: auth(baDinh), payload });
    expect(
      (
        await register({
          wardIdNumber: ward.idNumber,
          guardianIdNumber: child.idNumber,
          startDate: '2025-01-01',
        })
      ).json().code,
    ).toBe('ERR_VALIDATION');
    expect(
      (
        await register({
          wardIdNumber: ward.idNumber,
          guardianIdNumber: ward.idNumber,
          startDate: '2025-01-01',
        })
      ).json().code,
    ).toBe('ERR_VALIDATION');
    const ok = await register({
      wardIdNumber: ward.idNumber,
      guardianIdNumber: guardian.idNumber,
      startDate: '2025-01-01',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().guardianIdNumber).toBe(guardian.idNumber);
    const relations = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${ward.idNumber}/relations`,
      headers: auth(baDinh),
    });
    expect(relations.json().guardian.fullName).toBe('Mạc Thị Lớn');
  });

  it('never loses a household event when births join one household concurrently', async () => {
    // Households are created by residence procedures (a later module); the fixture inserts one.
    const { sql } = await import('kysely');
    const { rows } = await sql<{ household_id: number }>`
      INSERT INTO registry.household (commune_code, province_code, address, residence_file_number)
      VALUES ('00004', '01', ${JSON.stringify({ scheme: '2025', communeCode: '00004', detail: 'Số 1 Hàng Than' })}::jsonb, 'HS-0001')
      RETURNING household_id`.execute(t.database.db);
    const householdId = String(rows[0]!.household_id);
    await sql`INSERT INTO registry.household_event (household_id, version, type, actor, data)
      VALUES (${householdId}, 1, 'household_created', 'test', '{}'::jsonb)`.execute(t.database.db);
    const births = 8;
    const responses = await Promise.all(
      Array.from({ length: births }, (_, i) =>
        registerBirth(baDinh, {
          fullName: `Trịnh Văn Con ${'ABCDEFGH'[i]}`,
          dateOfBirth: '2020-01-01',
          householdId,
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(births).fill(201));
    const household = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/households/${householdId}`,
      headers: auth(hanoi),
    });
    expect(household.json().members).toHaveLength(births);
    expect(household.json().address.text).toBe('Số 1 Hàng Than, Phường Ba Đình, Thành phố Hà Nội');
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/households/${householdId}/history`,
      headers: auth(hanoi),
    });
    expect(history.json().events.map((e: { version: number }) => e.version)).toEqual(
      Array.from({ length: births + 1 }, (_, i) => i + 1),
    );
    const outsider = await registerBirth(hcmc, { registrationCommuneCode: '25747', householdId });
    expect(outsider.json().code).toBe('ERR_FORBIDDEN_UNIT');
    const unknown = await registerBirth(baDinh, { householdId: '999999999' });
    expect(unknown.json().code).toBe('ERR_HOUSEHOLD_NOT_FOUND');
  });

  it('serves health, metrics, OpenAPI, and problem+json for unknown API routes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('dinhdanh_http_request_duration_seconds');
    // Labels carry route patterns, never the ID numbers in request paths.
    expect(metrics.body).toContain('route="/api/registry/v1/people/:idNumber"');
    expect(metrics.body).not.toMatch(/route="[^"]*\d{12}/);
    const openapi = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(openapi.json().paths)).toContain('/api/registry/v1/people/{idNumber}');
    const unknown = await t.app.inject({ method: 'GET', url: '/api/registry/v1/nope', headers: auth(hanoi) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ERR_NOT_FOUND');
  });
});
