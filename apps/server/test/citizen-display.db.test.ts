import { generateKeyPairSync } from 'node:crypto';
import { appendAuditEntry, subjectKey } from '@dinhdanh/audit';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { registerAgency } from '@dinhdanh/exchange';
import { registerClient } from '@dinhdanh/oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  captureJpeg,
  identityClient,
  lastCode,
  registerPerson,
  sessionCookie,
} from './identity-helpers.ts';
import { createTestApp, exchangeContextOf, type TestApp } from './test-app.ts';

// What a citizen reads: the code validity the page states is the one the SMS states and the one
// enforced; the access log names its actors and gives its texts in one language at a time.

let t: TestApp;
let officer: string;
let idNumber: string;
const PASSWORD = 'sông hồng chảy qua hà nội';
const START = '2026-11-23T03:00:00Z';

beforeAll(async () => {
  t = await createTestApp({ now: START, env: { DINHDANH_AUTHORITY_NAME: 'Công an tỉnh Thử Nghiệm' } });
  officer = await t.token('00004', 'cb-7');
  idNumber = await registerPerson(t, officer, {
    fullName: 'Lê Thị Hồng',
    dateOfBirth: '1988-02-14',
    phone: '0987654321',
  });
});
afterAll(async () => {
  await t?.close();
});

const post: ReturnType<typeof identityClient>['post'] = (...args) => identityClient(t).post(...args);

/** The validity an SMS states, in seconds ("Hieu luc 5 phut"). */
async function statedInSms(): Promise<number> {
  const outbox = await t.app.inject({ method: 'GET', url: `${API}/dev/outbox?last=1` });
  const text: string = outbox.json().items.at(-1)?.text ?? '';
  const minutes = /Hieu luc (\d+) phut/.exec(text)?.[1];
  if (!minutes) throw new Error(`no validity in "${text}"`);
  return Number(minutes) * 60;
}

describe(`what a citizen reads (${testDatabaseKind()})`, () => {
  let session: string;

  it('states one code validity in the responses and the SMS, and enforces exactly it', async () => {
    const details = { idNumber, fullName: 'Lê Thị Hồng', dateOfBirth: '1988-02-14', phone: '0987654321' };
    const begin = async () => {
      const started = await post('/registrations', details);
      expect(started.statusCode, started.body).toBe(201);
      return { ...started.json(), sentAt: t.clock.now().getTime(), code: await lastCode(t) };
    };
    // Just past the stated validity the code is refused…
    const first = await begin();
    const validFor: number = first.codeValidForSeconds;
    expect(validFor).toBe(await statedInSms());
    t.clock.set(new Date(first.sentAt + (validFor + 1) * 1000));
    const late = await post(`/registrations/${first.registrationId}/otp`, { code: first.code });
    expect(late.json().code).toBe('ERR_OTP_EXPIRED');
    // …and just before it, accepted.
    const second = await begin();
    t.clock.set(new Date(second.sentAt + (validFor - 1) * 1000));
    expect(
      (await post(`/registrations/${second.registrationId}/otp`, { code: second.code })).statusCode,
    ).toBe(200);
    expect(
      (await post(`/registrations/${second.registrationId}/face`, { image: captureJpeg })).statusCode,
    ).toBe(200);
    const completed = await post(`/registrations/${second.registrationId}/complete`, { password: PASSWORD });
    expect(completed.statusCode, completed.body).toBe(201);

    // A login states the same validity, and its code step lasts as long as the code.
    const login = await post('/logins', { idNumber, password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().codeValidForSeconds).toBe(validFor);
    expect(await statedInSms()).toBe(validFor);
    const code = await lastCode(t);
    t.clock.set(new Date(t.clock.now().getTime() + (validFor - 1) * 1000));
    const done = await post(`/logins/${login.json().loginId}/otp`, { method: 'sms', code });
    expect(done.statusCode, done.body).toBe(200);
    session = sessionCookie(done);
  });

  it('names every actor and splits recorded texts by language', async () => {
    const key = subjectKey(t.subjectSecret, idNumber);
    const rp = await registerClient(t.database.db, t.clock, {
      name: 'Ngân hàng Thử nghiệm',
      redirectUris: ['https://bank.example/cb'],
      jwks: {
        keys: [
          {
            ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
            kid: 'k1',
            alg: 'ES256',
          },
        ],
      },
    });
    const agency = await registerAgency(exchangeContextOf(t), {
      name: 'Cục Thuế (thử nghiệm)',
      scopes: ['exchange.verify'],
      purposes: [
        {
          code: 'tax.registration',
          description: 'Đăng ký thuế',
          legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
          fields: ['fullName'],
        },
      ],
      jwks: {
        keys: [
          {
            ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
            kid: 'a1',
            alg: 'ES256',
          },
        ],
      },
    });
    // Fixtures: what the provider and the exchange record when they release data (their flows have their own tests).
    await appendAuditEntry(t.database.db, {
      actor: { kind: 'relying_party', id: rp.clientId, unit: null },
      action: 'oidc.claims.released',
      subjectKey: key,
      purpose:
        'Đăng nhập và xác thực với Ngân hàng Thử nghiệm / login and identity verification with Ngân hàng Thử nghiệm',
    });
    await appendAuditEntry(t.database.db, {
      actor: { kind: 'agency', id: agency.agencyId, unit: null },
      action: 'exchange.event.disclosed',
      subjectKey: key,
      purpose: 'Đăng ký thuế (tax.registration)',
    });

    const response = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: { authorization: `Bearer ${session}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    const items: Array<{
      action: string;
      actor: {
        kind: string;
        name: string | null;
        unitName: string | null;
        unitLevel: string | null;
        self: boolean;
      };
      purposeText: { vi: string; en: string } | null;
    }> = response.json().items;
    const by = (action: string) => items.find((item) => item.action === action);

    // The officer who registered the birth: named by unit, commune and province.
    expect(by('registry.birth_registered')?.actor).toMatchObject({
      kind: 'officer',
      unitLevel: 'commune',
      self: false,
    });
    expect(by('registry.birth_registered')?.actor.unitName).toMatch(/^Phường .+, Thành phố Hà Nội$/);
    // Opening the account: the citizen herself.
    expect(by('identity.account_created')).toMatchObject({
      actor: { kind: 'citizen', self: true },
      purposeText: { vi: 'Tạo tài khoản định danh điện tử mức 1', en: 'Level-1 eID account created' },
    });
    expect(by('oidc.claims.released')).toMatchObject({
      actor: { name: 'Ngân hàng Thử nghiệm', self: false },
      purposeText: {
        vi: 'Đăng nhập và xác thực với Ngân hàng Thử nghiệm',
        en: 'Login and identity verification with Ngân hàng Thử nghiệm',
      },
    });
    expect(by('exchange.event.disclosed')?.actor.name).toBe('Cục Thuế (thử nghiệm)');
    // No actor is left to be shown by a bare id, no purpose as a bare code.
    for (const item of items) {
      expect(item.purposeText?.vi ?? '').not.toMatch(/^[a-z_.]+$/);
      expect(
        item.actor.self ||
          item.actor.name !== null ||
          item.actor.unitName !== null ||
          item.actor.kind === 'system',
        JSON.stringify(item),
      ).toBe(true);
    }
  });

  it("tells the web app the installation's authority and demo pages, and nothing personal", async () => {
    const site = await t.app.inject({ method: 'GET', url: '/api/site/v1' });
    expect(site.statusCode, site.body).toBe(200);
    expect(site.json()).toEqual({
      mode: 'test',
      authorityName: 'Công an tỉnh Thử Nghiệm',
      demo: { relyingParty: null, outbox: '/dev/outbox' },
    });
  });
});
