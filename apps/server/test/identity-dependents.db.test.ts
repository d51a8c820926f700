import { testDatabaseKind } from '@dinhdanh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, identityClient, registerPerson } from './identity-helpers.ts';
import { createTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
let officer: string;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T03:00:00Z' });
  officer = await t.token('00004', 'cb-1');
});
afterAll(() => t.close());

const post: ReturnType<typeof identityClient>['post'] = (...args) => identityClient(t).post(...args);
const get: ReturnType<typeof identityClient>['get'] = (...args) => identityClient(t).get(...args);

async function birth(
  fullName: string,
  dateOfBirth: string,
  parents: { motherIdNumber?: string; fatherIdNumber?: string } = {},
) {
  const born = await t.app.inject({
    method: 'POST',
    url: '/api/registry/v1/births',
    headers: auth(officer),
    payload: {
      fullName,
      dateOfBirth,
      sex: 'female',
      placeOfBirth: 'Hà Nội',
      registrationCommuneCode: '00004',
      permanentAddress: { communeCode: '00004', detail: 'Số 2' },
      ...parents,
    },
  });
  expect(born.statusCode, born.body).toBeLessThan(300);
  return born.json().idNumber as string;
}

/** Card records arrive with the chip-card issue; until then the test writes one as a fixture. */
async function giveCard(idNumber: string, card: Record<string, unknown>) {
  await t.database.exec(
    `UPDATE registry.person SET cards = '${JSON.stringify([card])}'::jsonb WHERE id_number = '${idNumber}'`,
  );
}

async function accessLog(token: string): Promise<string[]> {
  const log = await t.app.inject({ method: 'GET', url: '/api/audit/v1/me/access-log', headers: auth(token) });
  return log.json().items.map((item: { action: string }) => item.action);
}

describe(`dependents and their accounts (${testDatabaseKind()})`, () => {
  it('lets a parent open level-1 accounts for a child under 6 and, with a card, for a child of 6–14; wards too', async () => {
    const mother = await registerPerson(t, officer, {
      fullName: 'Đặng Thị Mai',
      dateOfBirth: '1987-04-04',
      phone: '0912000111',
      sex: 'female',
    });
    const small = await birth('Đặng Bảo An', '2022-03-03', { motherIdNumber: mother });
    const older = await birth('Đặng Bảo Châu', '2016-09-09', { motherIdNumber: mother });
    // A ward under the mother's registered guardianship (no parent link to her).
    const ward = await birth('Lý Thu Hà', '2017-01-01');
    const guardianship = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/guardianships',
      headers: auth(officer),
      payload: { wardIdNumber: ward, guardianIdNumber: mother, startDate: '2025-01-01' },
    });
    expect(guardianship.statusCode, guardianship.body).toBe(201);
    const stranger = await birth('Người Lạ', '2021-01-01');
    const token = await t.citizenSession(mother);

    const listed = (await get('/me/dependents', auth(token))).json().items;
    expect(listed).toEqual([
      expect.objectContaining({
        idNumber: older,
        age: 10,
        relation: 'child',
        hasAccount: false,
        canCreateAccount: false,
      }),
      expect.objectContaining({
        idNumber: ward,
        age: 9,
        relation: 'ward',
        hasAccount: false,
        canCreateAccount: false,
      }),
      expect.objectContaining({
        idNumber: small,
        age: 4,
        relation: 'child',
        hasAccount: false,
        canCreateAccount: true,
      }),
    ]);

    // Under 6: on request.
    const created = await post('/me/dependent-accounts', { idNumber: small }, auth(token));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ idNumber: small, hasAccount: true, relation: 'child' });
    const account = await post('/officer/accounts/lookup', { idNumber: small }, auth(officer));
    expect(account.json()).toMatchObject({
      kind: 'citizen',
      level: 1,
      status: 'active',
      name: 'Đặng Bảo An',
    });
    expect((await post('/me/dependent-accounts', { idNumber: small }, auth(token))).json().code).toBe(
      'ERR_ACCOUNT_EXISTS',
    );

    // 6–14: only with a valid card; an expired or revoked one does not count.
    expect((await post('/me/dependent-accounts', { idNumber: older }, auth(token))).json().code).toBe(
      'ERR_NOT_ELIGIBLE',
    );
    await giveCard(older, { cardNumber: older, expiresOn: '2026-01-01' });
    expect((await post('/me/dependent-accounts', { idNumber: older }, auth(token))).json().code).toBe(
      'ERR_NOT_ELIGIBLE',
    );
    await giveCard(older, { cardNumber: older, expiresOn: '2031-09-09', status: 'revoked' });
    expect((await post('/me/dependent-accounts', { idNumber: older }, auth(token))).json().code).toBe(
      'ERR_NOT_ELIGIBLE',
    );
    await giveCard(older, { cardNumber: older, expiresOn: '2031-09-09' });
    expect((await post('/me/dependent-accounts', { idNumber: older }, auth(token))).statusCode).toBe(201);

    // The ward, with a card, through the registered guardianship.
    await giveCard(ward, { cardNumber: ward, expiresOn: '2032-01-01' });
    expect((await post('/me/dependent-accounts', { idNumber: ward }, auth(token))).statusCode).toBe(201);

    // Someone else's child, an unknown number and a malformed one: the same refusal, nothing learnt.
    for (const idNumber of [stranger, '001099001234']) {
      const refused = await post('/me/dependent-accounts', { idNumber }, auth(token));
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code, idNumber).toBe('ERR_NOT_ELIGIBLE');
    }
    expect((await post('/me/dependent-accounts', { idNumber: '12' }, auth(token))).statusCode).toBe(400);
    expect((await post('/me/dependent-accounts', { idNumber: small })).statusCode).toBe(401);

    const after = (await get('/me/dependents', auth(token))).json().items;
    expect(after.map((d: { hasAccount: boolean }) => d.hasAccount)).toEqual([true, true, true]);
    expect(after.map((d: { canCreateAccount: boolean }) => d.canCreateAccount)).toEqual([
      false,
      false,
      false,
    ]);

    // The child's account has no password yet: it cannot be logged into by guessing.
    expect((await post('/logins', { idNumber: small, password: 'bất kỳ mật khẩu nào' })).json().code).toBe(
      'ERR_LOGIN_FAILED',
    );

    // Audited: the creation on the child's log (actor: the guardian), the act on the guardian's.
    expect(await accessLog(token)).toEqual(expect.arrayContaining(['identity.dependent_account_created']));
    expect(await accessLog(await t.citizenSession(small))).toContain('identity.account_created');
  });

  it('a child who has turned 14 is no longer a dependent (they register themselves)', async () => {
    const father = await registerPerson(t, officer, {
      fullName: 'Tạ Văn Phúc',
      dateOfBirth: '1980-01-01',
      phone: '0912000222',
    });
    const teen = await birth('Tạ Minh Quân', '2012-11-23', { fatherIdNumber: father });
    const token = await t.citizenSession(father);
    expect((await get('/me/dependents', auth(token))).json().items).toEqual([]);
    expect((await post('/me/dependent-accounts', { idNumber: teen }, auth(token))).json().code).toBe(
      'ERR_NOT_ELIGIBLE',
    );
  });
});
