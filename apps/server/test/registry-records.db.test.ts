import { testDatabaseKind } from '@dinhdanh/db/testing';
import { readRegistryChanges } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

// What the officer console records and shows (issue 11, items 7 and 9): parents linked to a
// registered child, and a history an officer can read (unit names, addresses with names).

let t: TestApp;
let baDinh: string; // officer of Phường Ba Đình (Hà Nội)
let hcmc: string; // officer of TP Hồ Chí Minh

beforeAll(async () => {
  t = await createTestApp();
  baDinh = await t.token('00004', 'bd-7');
  hcmc = await t.token('79', 'hcm-7');
});
afterAll(() => t.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function born(body: Record<string, unknown>): Promise<{ idNumber: string } & Record<string, unknown>> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/registry/v1/births',
    headers: auth(baDinh),
    payload: {
      placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
      registrationCommuneCode: '00004',
      permanentAddress: { communeCode: '00004', detail: 'Số 3 phố Đội Cấn' },
      ...body,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const linkParent = (token: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/registry/v1/parentages', headers: auth(token), payload: body });

const history = async (idNumber: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${idNumber}/history`,
      headers: auth(baDinh),
    })
  ).json().events;

describe(`parents linked to a registered child (${testDatabaseKind()})`, () => {
  let father: string;
  let mother: string;
  let child: string;

  beforeAll(async () => {
    father = (await born({ fullName: 'Đỗ Văn Hùng', dateOfBirth: '1988-03-04', sex: 'male' })).idNumber;
    mother = (await born({ fullName: 'Lê Thị Lan', dateOfBirth: '1990-07-08', sex: 'female' })).idNumber;
    child = (
      await born({
        fullName: 'Lê Minh Khang',
        dateOfBirth: '2021-09-10',
        sex: 'male',
        motherIdNumber: mother,
        father: { fullName: 'Đỗ Văn Hùng' },
      })
    ).idNumber;
  });

  it('records the father, replacing the name-only record, with an event, a change and an access', async () => {
    const response = await linkParent(baDinh, {
      childIdNumber: child,
      parentIdNumber: father,
      role: 'father',
      recognitionDate: '2026-11-20',
      reason: 'Cha tự nguyện nhận con',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      idNumber: child,
      fatherIdNumber: father,
      motherIdNumber: mother,
    });
    expect(response.json().relatives).toEqual({});

    const relations = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${child}/relations`,
      headers: auth(baDinh),
    });
    expect(relations.json().father).toMatchObject({ idNumber: father, fullName: 'Đỗ Văn Hùng' });

    const last = (await history(child)).at(-1);
    expect(last).toMatchObject({
      type: 'parentage_registered',
      effectiveDate: '2026-11-20',
      actor: 'officer:bd-7',
      actorUnit: '00004',
      actorUnitName: 'Phường Ba Đình, Thành phố Hà Nội',
      reason: 'Cha tự nguyện nhận con',
      legalBasis: 'Luật Hộ tịch 60/2014/QH13, Điều 24–25',
      changes: { fatherIdNumber: father, relatives: {} },
      previous: { fatherIdNumber: null, relatives: { father: { fullName: 'Đỗ Văn Hùng' } } },
    });

    const changes = await readRegistryChanges(t.database.db, { after: 0, limit: 1000 });
    expect(changes.filter((change) => change.idNumber === child).map((change) => change.type)).toEqual([
      'person.born',
      'person.civil_status_changed',
    ]);
    const { rows } = await sql<{ n: string | number }>`
      SELECT count(*) AS n FROM audit.entry WHERE action = 'registry.child_linked'
        AND details->>'version' = '2'`.execute(t.database.db);
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('does not replace a parent already recorded, even by the same one', async () => {
    for (const parentIdNumber of [father, mother]) {
      const again = await linkParent(baDinh, {
        childIdNumber: child,
        parentIdNumber,
        role: parentIdNumber === father ? 'father' : 'mother',
        recognitionDate: '2026-11-21',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('ERR_PARENT_ALREADY_RECORDED');
    }
    expect((await history(child)).length).toBe(2);
  });

  it.each([
    ['a father who is a woman', () => ({ parentIdNumber: mother, role: 'father' }), 'ERR_PARENT_INVALID'],
    ['the child as their own parent', () => ({ parentIdNumber: 'SELF' }), 'ERR_PARENT_INVALID'],
    ['a future date', () => ({ recognitionDate: '2027-01-01' }), 'ERR_DATE_INVALID'],
    ['an impossible date', () => ({ recognitionDate: '2026-02-30' }), 'ERR_VALIDATION'],
    ['an unknown role', () => ({ role: 'uncle' }), 'ERR_VALIDATION'],
    ['a malformed ID number', () => ({ parentIdNumber: '12345' }), 'ERR_VALIDATION'],
    ['a parent not in the registry', () => ({ parentIdNumber: '001088999999' }), 'ERR_PERSON_NOT_FOUND'],
  ])('refuses %s', async (_name, override, code) => {
    const orphan = (await born({ fullName: 'Trần Văn Bé', dateOfBirth: '2024-01-02', sex: 'male' })).idNumber;
    const body = {
      childIdNumber: orphan,
      parentIdNumber: father,
      role: 'father',
      recognitionDate: '2026-11-20',
    };
    const changed = override();
    if (changed.parentIdNumber === 'SELF') changed.parentIdNumber = orphan;
    const response = await linkParent(baDinh, { ...body, ...changed });
    expect(response.json().code).toBe(code);
    expect(await history(orphan)).toHaveLength(1);
  });

  it('refuses a parent too young to be one, and an officer of another unit', async () => {
    const young = (await born({ fullName: 'Phan Văn Trẻ', dateOfBirth: '2015-05-05', sex: 'male' })).idNumber;
    const baby = (await born({ fullName: 'Phan Thị Nhỏ', dateOfBirth: '2025-05-05', sex: 'female' }))
      .idNumber;
    const tooYoung = await linkParent(baDinh, {
      childIdNumber: baby,
      parentIdNumber: young,
      role: 'father',
      recognitionDate: '2026-11-20',
    });
    expect(tooYoung.json().code).toBe('ERR_PARENT_INVALID');
    const elsewhere = await linkParent(hcmc, {
      childIdNumber: baby,
      parentIdNumber: father,
      role: 'father',
      recognitionDate: '2026-11-20',
    });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().code).toBe('ERR_FORBIDDEN_UNIT');
    expect(await history(baby)).toHaveLength(1);
  });
});

describe(`a history an officer can read (${testDatabaseKind()})`, () => {
  it('names the units of addresses and of the officer who recorded each event', async () => {
    const person = await born({ fullName: 'Vũ Thị Hạnh', dateOfBirth: '1995-02-03', sex: 'female' });
    const corrected = await t.app.inject({
      method: 'POST',
      url: `/api/registry/v1/people/${person.idNumber}/corrections`,
      headers: auth(baDinh),
      payload: { field: 'currentResidence', value: { communeCode: '00004', detail: 'Số 9 ngõ Văn Chương' } },
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const [birth, correction] = await history(person.idNumber);
    expect(birth.previous).toBeNull();
    expect(birth.actorUnitName).toBe('Phường Ba Đình, Thành phố Hà Nội');
    expect(birth.changes.permanentAddress).toMatchObject({
      communeCode: '00004',
      communeName: 'Phường Ba Đình',
      provinceName: 'Thành phố Hà Nội',
      text: 'Số 3 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội',
    });
    expect(birth.changes.birthRegistrationPlace).toMatchObject({ text: 'Phường Ba Đình, Thành phố Hà Nội' });
    expect(correction).toMatchObject({
      type: 'field_corrected',
      changes: { currentResidence: { text: 'Số 9 ngõ Văn Chương, Phường Ba Đình, Thành phố Hà Nội' } },
      previous: { currentResidence: null },
    });
  });
});
