import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accessLog, subjectKey } from '@dinhdanh/audit';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { createSecretBox, sweepExpired, syncRegistryChanges } from '@dinhdanh/identity';
import { type TOTP, URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTestCard } from './card-chip.ts';
import {
  API,
  auth,
  captureJpeg,
  enrolFingerprint,
  identityClient,
  lastCode,
  registerPerson,
  sessionCookie,
} from './identity-helpers.ts';
import { createTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
const keysDir = mkdtempSync(path.join(tmpdir(), 'identity-keys-'));
let officer: string;
const PASSWORD = 'mây trắng bay về núi';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T03:00:00Z', env: { DINHDANH_KEYS_DIR: keysDir } });
  officer = await t.token('00004', 'cb-1');
});
afterAll(async () => {
  try {
    await t?.close();
  } finally {
    rmSync(keysDir, { recursive: true, force: true });
  }
});

const post: ReturnType<typeof identityClient>['post'] = (...args) => identityClient(t).post(...args);
const get: ReturnType<typeof identityClient>['get'] = (...args) => identityClient(t).get(...args);

async function login(idNumber: string, password = PASSWORD) {
  const started = await post('/logins', { idNumber, password });
  expect(started.statusCode, started.body).toBe(200);
  const done = await post(`/logins/${started.json().loginId}/otp`, {
    method: 'sms',
    code: await lastCode(t),
  });
  expect(done.statusCode, done.body).toBe(200);
  return { token: sessionCookie(done), body: done.json() };
}

describe(`eID accounts (${testDatabaseKind()})`, () => {
  let alice: string;
  const aliceDetails = { fullName: 'Nguyễn Thị Ánh', dateOfBirth: '1990-05-01', phone: '0912345678' };

  it('registers a level-1 account: registry match, SMS code, face, password; audited', async () => {
    alice = await registerPerson(t, officer, { ...aliceDetails, fingerprints: true });
    // Name matching folds diacritics, case and spacing; the phone may be written +84.
    const started = await post('/registrations', {
      idNumber: alice,
      fullName: '  nguyen thi  anh ',
      dateOfBirth: '1990-05-01',
      phone: '+84912345678',
    });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json().maskedPhone).toBe('09*****678');
    const { registrationId } = started.json();
    // Steps cannot be skipped.
    const early = await post(`/registrations/${registrationId}/complete`, { password: PASSWORD });
    expect(early.json().code).toBe('ERR_REGISTRATION_STEP');
    // A wrong code, then the right one; the right one is single use.
    const code = await lastCode(t);
    const wrong = await post(`/registrations/${registrationId}/otp`, {
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.json()).toMatchObject({ code: 'ERR_OTP_INVALID', attemptsLeft: 4 });
    expect((await post(`/registrations/${registrationId}/otp`, { code })).statusCode).toBe(200);
    expect((await post(`/registrations/${registrationId}/otp`, { code })).json().code).toBe(
      'ERR_REGISTRATION_STEP',
    );
    // The development face adapter refuses what is not an image.
    const notImage = await post(`/registrations/${registrationId}/face`, {
      image: Buffer.alloc(400, 1).toString('base64'),
    });
    expect(notImage.json().code).toBe('ERR_VALIDATION');
    expect((await post(`/registrations/${registrationId}/face`, { image: captureJpeg })).statusCode).toBe(
      200,
    );
    // Weak passwords: common, too short, containing the ID number or the date of birth.
    for (const weak of ['matkhau123', 'anhyeuem', 'short', `x${alice}`, 'sinh-01051990']) {
      const refused = await post(`/registrations/${registrationId}/complete`, { password: weak });
      expect(refused.json().code, weak).toBe('ERR_PASSWORD_WEAK');
    }
    const done = await post(`/registrations/${registrationId}/complete`, { password: PASSWORD });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json().level).toBe(1);
    // Single use: the registration is gone.
    const again = await post(`/registrations/${registrationId}/complete`, { password: PASSWORD });
    expect(again.json().code).toBe('ERR_REGISTRATION_EXPIRED');
    // The creation is on the person's access log.
    const session = await login(alice);
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: auth(session.token),
    });
    expect(log.json().items.map((i: { action: string }) => i.action)).toContain('identity.account_created');
  });

  it('refuses mismatched details without saying which, a second account, the dead and the young', async () => {
    for (const change of [
      { fullName: 'Nguyễn Thị Anh Đào' },
      { dateOfBirth: '1990-05-02' },
      { phone: '0912345679' },
      { idNumber: '001090009999' },
    ]) {
      const refused = await post('/registrations', { idNumber: alice, ...aliceDetails, ...change });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().code).toBe('ERR_REGISTRATION_MISMATCH');
      expect(refused.json().detail).toBeUndefined();
    }
    expect((await post('/registrations', { idNumber: alice, ...aliceDetails })).json().code).toBe(
      'ERR_ACCOUNT_EXISTS',
    );
    const bob = await registerPerson(t, officer, {
      fullName: 'Trần Văn Bình',
      dateOfBirth: '1950-01-01',
      phone: '0987654321',
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/deaths',
      headers: auth(officer),
      payload: { idNumber: bob, dateOfDeath: '2026-11-01' },
    });
    const dead = await post('/registrations', {
      idNumber: bob,
      fullName: 'Trần Văn Bình',
      dateOfBirth: '1950-01-01',
      phone: '0987654321',
    });
    expect(dead.json().code).toBe('ERR_REGISTRATION_MISMATCH');
    const child = await registerPerson(t, officer, {
      fullName: 'Lê Văn Cường',
      dateOfBirth: '2015-01-01',
      phone: '0911111111',
    });
    const young = await post('/registrations', {
      idNumber: child,
      fullName: 'Lê Văn Cường',
      dateOfBirth: '2015-01-01',
      phone: '0911111111',
    });
    expect(young.json().code).toBe('ERR_NOT_ELIGIBLE');
  });

  it('expires a registration and its code', async () => {
    const dan = await registerPerson(t, officer, {
      fullName: 'Phạm Minh Đan',
      dateOfBirth: '1985-03-03',
      phone: '0933333333',
    });
    const started = await post('/registrations', {
      idNumber: dan,
      fullName: 'Phạm Minh Đan',
      dateOfBirth: '1985-03-03',
      phone: '0933333333',
    });
    const { registrationId } = started.json();
    const code = await lastCode(t);
    t.clock.set('2026-11-23T03:06:00Z');
    try {
      // The code lives 5 minutes, the registration 15.
      expect((await post(`/registrations/${registrationId}/otp`, { code })).json().code).toBe(
        'ERR_OTP_EXPIRED',
      );
      t.clock.set('2026-11-23T03:16:00Z');
      expect((await post(`/registrations/${registrationId}/otp`, { code })).json().code).toBe(
        'ERR_REGISTRATION_EXPIRED',
      );
    } finally {
      t.clock.set('2026-11-23T03:00:00Z');
    }
  });

  it('logs in with password + SMS code; unknown accounts and wrong passwords look the same', async () => {
    const unknown = await post('/logins', { idNumber: '001090009999', password: PASSWORD });
    const wrong = await post('/logins', { idNumber: alice, password: 'not the password at all' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const shape = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(shape(unknown.json())).toEqual(shape(wrong.json()));
    const started = await post('/logins', { idNumber: alice, password: PASSWORD });
    expect(started.json()).toMatchObject({ methods: ['sms'], maskedPhone: '09*****678' });
    const loginId = started.json().loginId;
    const code = await lastCode(t);
    const bad = await post(`/logins/${loginId}/otp`, {
      method: 'sms',
      code: code === '123456' ? '654321' : '123456',
    });
    expect(bad.json().code).toBe('ERR_OTP_INVALID');
    const done = await post(`/logins/${loginId}/otp`, { method: 'sms', code });
    expect(done.statusCode).toBe(200);
    expect(String(done.headers['set-cookie'])).toMatch(
      /^__Host-dinhdanh-session=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=86400$/,
    );
    expect(done.json().session).toMatchObject({ acr: 'urn:dinhdanh:acr:level1', amr: ['pwd', 'sms'] });
    // Replaying the code or the login fails.
    expect((await post(`/logins/${loginId}/otp`, { method: 'sms', code })).json().code).toBe(
      'ERR_LOGIN_EXPIRED',
    );
    // The cookie and the bearer form both work.
    const token = sessionCookie(done);
    const me = await get('/me', { cookie: `__Host-dinhdanh-session=${token}` });
    expect(me.json()).toMatchObject({ kind: 'citizen', level: 1, status: 'active', name: 'Nguyễn Thị Ánh' });
    expect((await get('/me', auth(token))).statusCode).toBe(200);
  });

  it('throttles failures per login name with growing delays and Retry-After', async () => {
    const name = '001090008888';
    for (let i = 0; i < 5; i++)
      expect((await post('/logins', { idNumber: name, password: 'x' })).statusCode).toBe(401);
    const throttled = await post('/logins', { idNumber: name, password: 'x' });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('ERR_LOGIN_THROTTLED');
    expect(throttled.headers['retry-after']).toBe('1');
    t.clock.set('2026-11-23T03:00:02Z');
    try {
      expect((await post('/logins', { idNumber: name, password: 'x' })).statusCode).toBe(401);
      const longer = await post('/logins', { idNumber: name, password: 'x' });
      expect(longer.headers['retry-after']).toBe('2');
    } finally {
      t.clock.set('2026-11-23T03:00:00Z');
    }
  });

  it('keeps sessions within idle and absolute timeouts, lists and ends them, rotates at login', async () => {
    const first = await login(alice);
    const second = await login(alice);
    expect(first.token).not.toBe(second.token);
    const list = await get('/me/sessions', auth(second.token));
    const items = list.json().items as Array<{ sessionId: string; current: boolean }>;
    expect(items.length).toBeGreaterThanOrEqual(2);
    const firstId = items.find((s) => !s.current)!.sessionId;
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `${API}/me/sessions/${firstId}`,
          headers: auth(second.token),
        })
      ).statusCode,
    ).toBe(200);
    // Idle: 1 hour without activity ends the session.
    t.clock.set('2026-11-23T03:59:00Z');
    try {
      expect((await get('/me', auth(second.token))).statusCode).toBe(200);
      t.clock.set('2026-11-23T04:58:30Z');
      expect((await get('/me', auth(second.token))).statusCode).toBe(200);
      t.clock.set('2026-11-23T06:00:00Z');
      expect((await get('/me', auth(second.token))).json().code).toBe('ERR_UNAUTHENTICATED');
    } finally {
      t.clock.set('2026-11-23T03:00:00Z');
    }
    // Absolute: 24 hours even when active.
    const third = await login(alice);
    try {
      for (let minutes = 50; minutes < 24 * 60; minutes += 50) {
        t.clock.set(new Date(Date.parse('2026-11-23T03:00:00Z') + minutes * 60_000));
        expect((await get('/me', auth(third.token))).statusCode).toBe(200);
      }
      t.clock.set('2026-11-24T03:00:01Z');
      expect((await get('/me', auth(third.token))).statusCode).toBe(401);
    } finally {
      t.clock.set('2026-11-23T03:00:00Z');
    }
    // A password change ends the other sessions at once.
    const a = await login(alice);
    const b = await login(alice);
    const changed = await post(
      '/me/password',
      { currentPassword: PASSWORD, newPassword: 'sông Hồng chảy ra biển' },
      auth(b.token),
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await get('/me', auth(a.token))).statusCode).toBe(401);
    expect((await get('/me', auth(b.token))).statusCode).toBe(200);
    await post(
      '/me/password',
      { currentPassword: 'sông Hồng chảy ra biển', newPassword: PASSWORD },
      auth(b.token),
    );
    expect((await post('/logout', {}, auth(b.token))).statusCode).toBe(200);
    expect((await get('/me', auth(b.token))).statusCode).toBe(401);
  });

  it('enrols TOTP and refuses a replayed code', async () => {
    const { token } = await login(alice);
    const started = await post('/me/totp', {}, auth(token));
    const totp = URI.parse(started.json().otpauthUri) as TOTP;
    const now = t.clock.now().getTime();
    expect(
      (await post('/me/totp/confirm', { code: totp.generate({ timestamp: now }) }, auth(token))).statusCode,
    ).toBe(200);
    const loginStart = await post('/logins', { idNumber: alice, password: PASSWORD });
    expect(loginStart.json().methods).toEqual(['sms', 'totp']);
    // The enrolment code's step is spent: the same code cannot log in.
    const replay = await post(`/logins/${loginStart.json().loginId}/otp`, {
      method: 'totp',
      code: totp.generate({ timestamp: now }),
    });
    expect(replay.json().code).toBe('ERR_OTP_INVALID');
    const next = await post(`/logins/${loginStart.json().loginId}/otp`, {
      method: 'totp',
      code: totp.generate({ timestamp: now + 30_000 }),
    });
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().session.amr).toEqual(['pwd', 'otp']);
    await t.app.inject({ method: 'DELETE', url: `${API}/me/totp`, headers: auth(token) });
  });

  it('GET /me carries the electronic-ID summary and authenticator state; TOTP secrets are sealed at rest', async () => {
    const { token } = await login(alice);
    const before = (await get('/me', auth(token))).json();
    expect(before).toMatchObject({
      idNumber: alice,
      dateOfBirth: '1990-05-01',
      totpEnabled: false,
      passkeyCount: 0,
      name: 'Nguyễn Thị Ánh',
    });
    const started = await post('/me/totp', {}, auth(token));
    const { secret } = started.json();
    const totp = URI.parse(started.json().otpauthUri) as TOTP;
    const stored = await t.identity.db
      .selectFrom('identity.credential as c')
      .innerJoin('identity.account as a', 'a.account_id', 'c.account_id')
      .select(['c.credential_id', 'c.secret'])
      .where('a.id_number', '=', alice)
      .where('c.kind', '=', 'totp')
      .executeTakeFirstOrThrow();
    // AES-256-GCM with a key version, never the base32 secret itself.
    expect(stored.secret).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(stored.secret).not.toContain(secret);
    const now = t.clock.now().getTime();
    const confirmed = await post(
      '/me/totp/confirm',
      { code: totp.generate({ timestamp: now }) },
      auth(token),
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await get('/me', auth(token))).json().totpEnabled).toBe(true);
    // A sealed secret bound to another row does not open: the row id is the associated data.
    const box = t.identity.secretBox;
    expect(box.open(stored.secret!, String(stored.credential_id)).plain).toBe(secret);
    expect(() => box.open(stored.secret!, '00000000-0000-4000-8000-000000000000')).toThrow();
    // The database refuses a TOTP secret in clear.
    await expect(
      t.database.exec(
        `UPDATE identity.credential SET secret = '${secret}' WHERE credential_id = '${stored.credential_id}'`,
      ),
    ).rejects.toThrow();
    expect(
      (await t.app.inject({ method: 'DELETE', url: `${API}/me/totp`, headers: auth(token) })).statusCode,
    ).toBe(200);
    expect((await get('/me', auth(token))).json().totpEnabled).toBe(false);
  });

  it('rotates the TOTP sealing key: old secrets still work and are re-sealed under the new version on use', async () => {
    const { token } = await login(alice);
    const started = await post('/me/totp', {}, auth(token));
    const totp = URI.parse(started.json().otpauthUri) as TOTP;
    const now = t.clock.now().getTime();
    await post('/me/totp/confirm', { code: totp.generate({ timestamp: now }) }, auth(token));
    const sealed = async () =>
      (
        await t.identity.db
          .selectFrom('identity.credential as c')
          .innerJoin('identity.account as a', 'a.account_id', 'c.account_id')
          .select('c.secret')
          .where('a.id_number', '=', alice)
          .where('c.kind', '=', 'totp')
          .executeTakeFirstOrThrow()
      ).secret as string;
    expect(await sealed()).toMatch(/^v1\./);
    const original = t.identity.secretBox;
    t.identity.secretBox = createSecretBox([
      { version: 1, secret: t.identity.secret },
      { version: 2, secret: randomBytes(32) },
    ]);
    try {
      const loginStart = await post('/logins', { idNumber: alice, password: PASSWORD });
      const done = await post(`/logins/${loginStart.json().loginId}/otp`, {
        method: 'totp',
        code: totp.generate({ timestamp: now + 30_000 }),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(await sealed()).toMatch(/^v2\./);
    } finally {
      t.identity.secretBox = original;
      await t.app.inject({ method: 'DELETE', url: `${API}/me/totp`, headers: auth(token) });
    }
  });

  it('labels devices from the user agent and never keeps the raw agent', async () => {
    const android =
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
    const started = await post('/logins', { idNumber: alice, password: PASSWORD });
    const done = await post(
      `/logins/${started.json().loginId}/otp`,
      { method: 'sms', code: await lastCode(t) },
      { 'user-agent': android },
    );
    expect(done.json().session.device).toBe('Chrome 131 · Android');
    const token = sessionCookie(done);
    const rows = await t.identity.db.selectFrom('identity.session').select('device').execute();
    expect(rows.some((row) => String(row.device ?? '').includes('Mozilla'))).toBe(false);
    const mine = (await get('/me/sessions', auth(token)))
      .json()
      .items.find((s: { current: boolean }) => s.current);
    expect(mine.device).toBe('Chrome 131 · Android');
  });

  it('shows the QR approver what is asking: device, time and the relying party the page named', async () => {
    const wallet = await login(alice);
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const desktop = await post(
      '/qr-logins',
      { clientName: 'Cổng Dịch vụ công quốc gia', purpose: 'Nộp hồ sơ đăng ký thường trú' },
      { 'user-agent': firefox },
    );
    expect(desktop.statusCode, desktop.body).toBe(201);
    const scanned = await post('/me/qr-approvals', { qrText: desktop.json().qrText }, auth(wallet.token));
    expect(scanned.json()).toMatchObject({
      device: 'Firefox · Linux',
      clientName: 'Cổng Dịch vụ công quốc gia',
      purpose: 'Nộp hồ sơ đăng ký thường trú',
      requestedAt: t.clock.now().toISOString(),
    });
    // Without a name the fields are null; bidi overrides, line breaks and overlong names are refused.
    const plain = await post('/qr-logins', {});
    expect(
      (await post('/me/qr-approvals', { qrText: plain.json().qrText }, auth(wallet.token))).json(),
    ).toMatchObject({ clientName: null, purpose: null });
    expect((await t.app.inject({ method: 'POST', url: `${API}/qr-logins` })).statusCode).toBe(201);
    for (const clientName of ['Ngân hàng\u202Eknab', 'Dòng 1\nDòng 2', 'x'.repeat(101), '   ']) {
      const refused = await post('/qr-logins', { clientName });
      expect(refused.statusCode, clientName).toBe(400);
    }
    expect((await post('/qr-logins', { purpose: 'y'.repeat(201) })).statusCode).toBe(400);
  });

  it('raises to level 2 by an officer of the person’s unit only, each step audited', async () => {
    const card = await issueTestCard(t, keysDir, alice);
    const outsider = await t.token('01', 'cb-hn');
    const foreign = await t.token('79', 'cb-hcm');
    const refused = await post(
      '/officer/level2',
      { idNumber: alice, chip: card.chipBody, fingerprint: { image: captureJpeg } },
      auth(foreign),
    );
    expect(refused.json().code).toBe('ERR_FORBIDDEN_UNIT');
    const lookup = await post('/officer/accounts/lookup', { idNumber: alice }, auth(outsider));
    expect(lookup.json()).toMatchObject({ level: 1, kind: 'citizen' });
    const raised = await post(
      '/officer/level2',
      { idNumber: alice, chip: card.chipBody, fingerprint: { image: captureJpeg } },
      auth(officer),
    );
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json()).toMatchObject({
      level: 2,
      cardNumber: alice,
      level2Card: { issueDate: card.card.issueDate, documentNumber: alice.slice(-9) },
    });
    const { token, body } = await login(alice);
    expect(body.session.acr).toBe('urn:dinhdanh:acr:level2');
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: auth(token),
    });
    const actions = log.json().items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'identity.account_looked_up',
        'identity.level2.card_checked',
        'identity.level2.fingerprint_checked',
        'identity.level2.raised',
      ]),
    );
    // No fingerprints on record: the development adapter refuses rather than enrols.
    const noPrints = await registerPerson(t, officer, {
      fullName: 'Đỗ Văn Em',
      dateOfBirth: '1980-02-02',
      phone: '0944444444',
    });
    await t.citizenSession(noPrints);
    const noPrintsCard = await issueTestCard(t, keysDir, noPrints);
    const missing = await post(
      '/officer/level2',
      { idNumber: noPrints, chip: noPrintsCard.chipBody, fingerprint: { image: captureJpeg } },
      auth(officer),
    );
    expect(missing.json().code).toBe('ERR_BIOMETRIC_REFERENCE_MISSING');
    // Another finger (any other file) does not match the reference: refused and audited.
    await enrolFingerprint(t.database, noPrints);
    const otherFinger = Buffer.from(captureJpeg, 'base64');
    otherFinger[200] ^= 1;
    const mismatch = await post(
      '/officer/level2',
      {
        idNumber: noPrints,
        chip: noPrintsCard.chipBody,
        fingerprint: { image: otherFinger.toString('base64') },
      },
      auth(officer),
    );
    expect(mismatch.json().code, mismatch.body).toBe('ERR_FINGERPRINT_MISMATCH');
    const checks = await accessLog(t.database.db, subjectKey(t.subjectSecret, noPrints), { limit: 50 });
    expect(
      checks.some(
        (entry) =>
          entry.action === 'identity.level2.fingerprint_checked' && entry.details?.result === 'mismatch',
      ),
    ).toBe(true);
    const matched = await post(
      '/officer/level2',
      { idNumber: noPrints, chip: noPrintsCard.chipBody, fingerprint: { image: captureJpeg } },
      auth(officer),
    );
    expect(matched.json()).toMatchObject({ level: 2 });
  });

  it('approves a desktop QR login from a level-2 wallet; single use', async () => {
    const wallet = await login(alice);
    const desktop = await post('/qr-logins', {});
    expect(desktop.statusCode).toBe(201);
    const { qrLoginId, qrText } = desktop.json();
    expect(qrText).toMatch(/^dinhdanh-login:[0-9a-f-]{36}\.[A-Za-z0-9_-]+$/);
    const pollCookie = String(desktop.headers['set-cookie']).split(';')[0]!;
    const poll = () => get(`/qr-logins/${qrLoginId}`, { cookie: pollCookie });
    expect((await poll()).json()).toEqual({ status: 'pending' });
    // Someone with only the QR (no poll cookie) learns nothing.
    expect((await get(`/qr-logins/${qrLoginId}`)).json().code).toBe('ERR_QR_LOGIN_EXPIRED');
    const scanned = await post('/me/qr-approvals', { qrText }, auth(wallet.token));
    expect(scanned.json().qrLoginId).toBe(qrLoginId);
    expect(
      (await post(`/me/qr-approvals/${qrLoginId}`, { approve: true }, auth(wallet.token))).json(),
    ).toEqual({
      status: 'approved',
    });
    const approved = await poll();
    expect(approved.json()).toMatchObject({
      status: 'approved',
      session: { acr: 'urn:dinhdanh:acr:level2', amr: ['pwd', 'sms', 'mca'] },
    });
    const desktopToken = sessionCookie(approved);
    expect((await get('/me', auth(desktopToken))).statusCode).toBe(200);
    expect((await poll()).json()).toEqual({ status: 'expired' });
  });

  it('locks on the holder’s request and on death (change follower), and lifts automatic grounds', async () => {
    const wallet = await login(alice);
    expect((await post('/me/lock', {}, auth(wallet.token))).statusCode).toBe(200);
    expect((await get('/me', auth(wallet.token))).statusCode).toBe(401);
    const locked = await post('/logins', { idNumber: alice, password: PASSWORD });
    expect(locked.json().code).toBe('ERR_ACCOUNT_LOCKED');
    // A wrong password still answers the generic failure.
    expect((await post('/logins', { idNumber: alice, password: 'wrong wrong wrong' })).json().code).toBe(
      'ERR_LOGIN_FAILED',
    );
    const unlocked = await post(
      '/officer/unlocks',
      { idNumber: alice, ground: 'holder', reason: 'Công dân đề nghị' },
      auth(officer),
    );
    expect(unlocked.json()).toMatchObject({ status: 'active' });
    const session = await login(alice);

    await syncRegistryChanges(t.identity);
    await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/deaths',
      headers: auth(officer),
      payload: { idNumber: alice, dateOfDeath: '2026-11-20' },
    });
    expect(await syncRegistryChanges(t.identity)).toBeGreaterThan(0);
    expect((await get('/me', auth(session.token))).statusCode).toBe(401);
    const lookup = await post('/officer/accounts/lookup', { idNumber: alice }, auth(officer));
    expect(lookup.json()).toMatchObject({ status: 'locked', locks: ['death'] });
    // The registry has no annulment API yet; a feed entry stands in for the correction.
    await t.database.exec(
      `INSERT INTO registry.change (type, id_number, effective_date, fields) VALUES ('person.death_annulled', '${alice}', NULL, '{dateOfDeath}')`,
    );
    await syncRegistryChanges(t.identity);
    expect((await post('/officer/accounts/lookup', { idNumber: alice }, auth(officer))).json()).toMatchObject(
      {
        status: 'active',
        locks: [],
      },
    );
  });

  it('lists a parent’s children under 14 as dependents', async () => {
    const parent = await registerPerson(t, officer, {
      fullName: 'Vũ Thị Hoa',
      dateOfBirth: '1988-08-08',
      phone: '0955555555',
      sex: 'female',
    });
    const birth = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/births',
      headers: auth(officer),
      payload: {
        fullName: 'Vũ Minh Khang',
        dateOfBirth: '2020-06-06',
        sex: 'male',
        placeOfBirth: 'Hà Nội',
        registrationCommuneCode: '00004',
        motherIdNumber: parent,
        permanentAddress: { communeCode: '00004', detail: 'Số 1' },
      },
    });
    expect(birth.statusCode, birth.body).toBeLessThan(300);
    const token = await t.citizenSession(parent);
    const dependents = await get('/me/dependents', auth(token));
    expect(dependents.json().items).toEqual([
      expect.objectContaining({ fullName: 'Vũ Minh Khang', age: 6, relation: 'child' }),
    ]);
  });

  it('creates foreigner and organisation accounts; a foreigner whose stay ended is locked by the sweep', async () => {
    const foreigner = await post(
      '/officer/foreigners',
      {
        fullName: 'John Smith',
        residenceCardNumber: 'TRC123456',
        passportNumber: 'P1234567',
        nationality: 'Anh',
        stayExpiresOn: '2026-11-30',
        phone: '0966666666',
      },
      auth(officer),
    );
    expect(foreigner.statusCode, foreigner.body).toBe(201);
    expect(foreigner.json()).toMatchObject({ kind: 'foreigner', level: 1, status: 'active' });
    const rep = await registerPerson(t, officer, {
      fullName: 'Ngô Văn Giám',
      dateOfBirth: '1975-07-07',
      phone: '0977777777',
    });
    await t.citizenSession(rep);
    const organisation = await post(
      '/officer/organisations',
      { name: 'Công ty TNHH Ví Dụ', taxCode: '0101234567', representativeIdNumber: rep },
      auth(officer),
    );
    expect(organisation.json()).toMatchObject({ kind: 'organisation', level: null });
    const again = await post(
      '/officer/organisations',
      { name: 'Công ty TNHH Ví Dụ', taxCode: '0101234567', representativeIdNumber: rep },
      auth(officer),
    );
    expect(again.json().code).toBe('ERR_ACCOUNT_EXISTS');
    t.clock.set('2026-12-01T03:00:00Z');
    try {
      await sweepExpired(t.identity);
    } finally {
      t.clock.set('2026-11-23T03:00:00Z');
    }
    const rows = await t.identity.db
      .selectFrom('identity.lock')
      .innerJoin('identity.account', 'identity.account.account_id', 'identity.lock.account_id')
      .select(['identity.lock.ground'])
      .where('identity.account.login_name', '=', 'TRC123456')
      .execute();
    expect(rows.map((r) => r.ground)).toEqual(['stay_expired']);
  });
});
