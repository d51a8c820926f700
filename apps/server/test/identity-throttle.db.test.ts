import { testDatabaseKind } from '@dinhdanh/db/testing';
import { createCitizenAccount, defaultPolicy, hashPassword } from '@dinhdanh/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, identityClient, registerPerson } from './identity-helpers.ts';
import { createTestApp, type TestApp } from './test-app.ts';

// The hard stop is 100 consecutive failures (defaultPolicy); this app lowers it to 10 through the
// context's policy override so the test stays short. Delays still grow between failures, so the
// test moves the clock past each one.
const HARD_STOP = 10;
const PASSWORD = 'mưa rơi trên mái ngói cũ';
let t: TestApp;
let now = Date.parse('2026-11-23T03:00:00Z');

beforeAll(async () => {
  t = await createTestApp({
    identity: { policy: { hardStopFailures: HARD_STOP, freeFailures: 3, ipFreeFailures: 10_000 } },
  });
});
// The test moves the clock by weeks: a fresh officer token each time.
const officerAuth = async () => auth(await t.token('00004', 'cb-1'));
afterAll(() => t.close());

const post: ReturnType<typeof identityClient>['post'] = (...args) => identityClient(t).post(...args);

/** One login attempt after any delay has passed (the 15-minute ceiling and a second more). */
async function attempt(idNumber: string, password: string) {
  now += (defaultPolicy.maxDelaySeconds + 1) * 1000;
  t.clock.set(new Date(now));
  return post('/logins', { idNumber, password });
}

describe(`hard stop after consecutive failures (${testDatabaseKind()})`, () => {
  it('keeps 100 as the default', () => {
    expect(defaultPolicy.hardStopFailures).toBe(100);
    expect(t.identity.policy.hardStopFailures).toBe(HARD_STOP);
  });

  it('stops the password after N consecutive failures until an officer unlocks; a success in between resets', async () => {
    const idNumber = await registerPerson(t, await t.token('00004', 'cb-1'), {
      fullName: 'Hoàng Thị Lan',
      dateOfBirth: '1992-02-02',
      phone: '0988888888',
    });
    await createCitizenAccount(t.identity, {
      idNumber,
      displayName: 'Hoàng Thị Lan',
      phone: '0988888888',
      passwordHash: await hashPassword(PASSWORD),
      actor: { kind: 'system', id: 'test' },
    });
    const lookup = async () =>
      (await post('/officer/accounts/lookup', { idNumber }, await officerAuth())).json() as {
        hardStopped: boolean;
      };

    // N-1 failures, then the right password: "consecutive" restarts from zero.
    for (let i = 0; i < HARD_STOP - 1; i++)
      expect((await attempt(idNumber, 'sai mật khẩu rồi')).json().code).toBe('ERR_LOGIN_FAILED');
    expect((await attempt(idNumber, PASSWORD)).statusCode).toBe(200);
    // N-1 more: had the success not reset the counter, this would be far past N.
    for (let i = 0; i < HARD_STOP - 1; i++)
      expect((await attempt(idNumber, 'sai mật khẩu rồi')).json().code).toBe('ERR_LOGIN_FAILED');
    expect(await lookup()).toMatchObject({ hardStopped: false, status: 'active' });
    // The N-th consecutive failure stops the authenticator: even the right password, however late.
    expect((await attempt(idNumber, 'sai mật khẩu rồi')).json().code).toBe('ERR_LOGIN_FAILED');
    for (const password of [PASSWORD, 'sai mật khẩu rồi']) {
      const stopped = await attempt(idNumber, password);
      expect(stopped.statusCode).toBe(429);
      expect(stopped.json().code).toBe('ERR_LOGIN_THROTTLED');
      expect(stopped.headers['retry-after']).toBeUndefined();
    }
    now += 30 * 24 * 3600 * 1000;
    expect((await attempt(idNumber, PASSWORD)).json().code).toBe('ERR_LOGIN_THROTTLED');
    expect(await lookup()).toMatchObject({ hardStopped: true });

    // An officer's unlock (any ground; nothing else is locked) resets it, and is audited.
    const unlocked = await post(
      '/officer/unlocks',
      { idNumber, ground: 'officer', reason: 'Công dân đến trụ sở, đã xác minh' },
      await officerAuth(),
    );
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json()).toMatchObject({ hardStopped: false, status: 'active' });
    const ok = await attempt(idNumber, PASSWORD);
    expect(ok.statusCode, ok.body).toBe(200);
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: auth(await t.citizenSession(idNumber)),
    });
    const actions = log.json().items.map((item: { action: string }) => item.action);
    expect(actions.filter((action: string) => action === 'identity.failures_reset')).toHaveLength(1);
    // A fresh count: the next failure is the first again.
    expect((await attempt(idNumber, 'sai mật khẩu rồi')).json().code).toBe('ERR_LOGIN_FAILED');
    expect(await lookup()).toMatchObject({ hardStopped: false });
  });

  it('stops an unknown login name the same way, so the stop reveals nothing', async () => {
    const unknown = '001092007777';
    for (let i = 0; i < HARD_STOP; i++)
      expect((await attempt(unknown, 'bất kỳ')).json().code).toBe('ERR_LOGIN_FAILED');
    expect((await attempt(unknown, 'bất kỳ')).json().code).toBe('ERR_LOGIN_THROTTLED');
  });
});
