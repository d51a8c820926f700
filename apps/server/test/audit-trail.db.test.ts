import {
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  verifyAccessLogEntryProof,
  verifyLog,
} from '@dinhdanh/audit';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { StaticKeyStore } from '@dinhdanh/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
let officer: string;
let supervisor: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = await t.token('00004', 'bd-7');
  supervisor = await t.token('01', 'sup-1', 'supervisor');
});
afterAll(() => t.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe(`registry changes and reads on the audit trail (${testDatabaseKind()})`, () => {
  it('records a birth, a correction and an officer read on the person’s access log, with proofs', async () => {
    const birth = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/births',
      headers: auth(officer),
      payload: {
        fullName: 'Phan Thị Nhật Ký',
        dateOfBirth: '2001-01-01',
        sex: 'female',
        placeOfBirth: 'Hà Nội',
        registrationCommuneCode: '00004',
        permanentAddress: { communeCode: '00004', detail: 'Số 3' },
      },
    });
    const { idNumber } = birth.json();
    await t.app.inject({
      method: 'POST',
      url: `/api/registry/v1/people/${idNumber}/corrections`,
      headers: auth(officer),
      payload: { field: 'phone', value: '0912345678', reason: 'Công dân đề nghị' },
    });
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${idNumber}`,
      headers: { ...auth(officer), 'x-purpose': encodeURIComponent('Xác minh hồ sơ cư trú') },
    });
    expect(read.statusCode).toBe(200);

    // The citizen sees who did what, newest first; no raw ID number is stored in the log.
    const citizen = await t.citizenSession(idNumber);
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: auth(citizen),
    });
    expect(log.statusCode).toBe(200);
    // Creating the citizen's eID account (for the session) is on the log too, newest.
    const all = log.json().items;
    expect(all[0].action).toBe('identity.account_created');
    const items = all.slice(1);
    expect(items.map((i: { action: string }) => i.action)).toEqual([
      'registry.person.read',
      'registry.field_corrected',
      'registry.birth_registered',
    ]);
    expect(items[0]).toMatchObject({
      actor: { kind: 'officer', id: 'bd-7', unit: '00004' },
      purpose: 'Xác minh hồ sơ cư trú',
    });
    expect(items[1].details).toEqual({ version: 2, fields: ['phone'] });
    expect(JSON.stringify(items)).not.toContain(idNumber);
    expect(JSON.stringify(items)).not.toContain('0912345678');

    // Before a checkpoint there is no proof; after one, the proof verifies against the signed note.
    const pending = await t.app.inject({
      method: 'GET',
      url: `/api/audit/v1/me/access-log/${items[0].entryId}/proof`,
      headers: auth(citizen),
    });
    expect(pending.statusCode).toBe(404);
    const keys = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(5)] });
    await createCheckpoint(t.database, await checkpointSigner(keys), { clock: t.clock });
    const proof = await t.app.inject({
      method: 'GET',
      url: `/api/audit/v1/me/access-log/${items[0].entryId}/proof`,
      headers: auth(citizen),
    });
    expect(proof.statusCode).toBe(200);
    expect(verifyAccessLogEntryProof(proof.json(), await checkpointVerifierKeys(keys))).toBe(true);
    expect((await verifyLog(t.database, await checkpointVerifierKeys(keys))).ok).toBe(true);

    // Someone else cannot fetch this entry's proof.
    const other = await t.citizenSession('001090000123');
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/audit/v1/me/access-log/${items[0].entryId}/proof`,
      headers: auth(other),
    });
    expect(foreign.statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/audit/v1/me/access-log', headers: auth(other) }))
        .json()
        .items.map((i: { action: string }) => i.action),
    ).toEqual(['identity.account_created']);
  });

  it('lets only supervisors read a person’s access log, and records that read too', async () => {
    const search = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/people/search',
      headers: auth(officer),
      payload: { fullName: 'Phan Thị Nhật Ký' },
    });
    const { idNumber } = search.json().items[0];
    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${idNumber}/access-log`,
      headers: auth(officer),
    });
    expect(denied.statusCode).toBe(403);
    const allowed = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${idNumber}/access-log`,
      headers: auth(supervisor),
    });
    expect(allowed.statusCode).toBe(200);
    const actions = allowed.json().items.map((i: { action: string }) => i.action);
    expect(actions[0]).toBe('registry.person.search_result');
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${idNumber}/access-log?limit=1`,
      headers: auth(supervisor),
    });
    expect(again.json().items[0]).toMatchObject({
      action: 'registry.access_log.read',
      actor: { id: 'sup-1' },
    });
  });

  it('records every one of many concurrent lookups (batched reads), and an attempted one', async () => {
    const born = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/registry/v1/births',
          headers: auth(officer),
          payload: {
            fullName: `Lưu Văn Đọc ${'ABCDEFGHIJKL'[i]}`,
            dateOfBirth: '1999-09-09',
            sex: 'male',
            placeOfBirth: 'Hà Nội',
            registrationCommuneCode: '00004',
          },
        }),
      ),
    );
    const ids: string[] = born.map((r) => r.json().idNumber);
    const reads = await Promise.all(
      [...ids, '001099999999'].map((id) =>
        t.app.inject({ method: 'GET', url: `/api/registry/v1/people/${id}`, headers: auth(supervisor) }),
      ),
    );
    expect(reads.map((r) => r.statusCode)).toEqual([...ids.map(() => 200), 404]);
    expect(reads.slice(0, -1).map((r) => r.json().idNumber)).toEqual(ids);
    for (const id of [...ids, '001099999999']) {
      const log = await t.app.inject({
        method: 'GET',
        url: '/api/audit/v1/me/access-log',
        headers: auth(await t.citizenSession(id)),
      });
      const byReads = log.json().items.filter((i: { action: string }) => i.action === 'registry.person.read');
      expect(byReads).toHaveLength(1);
      expect(byReads[0].actor.id).toBe('sup-1');
    }
  });

  it('rolls back the audit entry with a failed change', async () => {
    const citizen = await t.citizenSession('001090000124');
    const before = (
      await t.app.inject({ method: 'GET', url: '/api/audit/v1/me/access-log', headers: auth(citizen) })
    ).json();
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/registry/v1/deaths',
      headers: auth(officer),
      payload: { idNumber: '001090000124', dateOfDeath: '2026-01-01' },
    });
    expect(failed.statusCode).toBe(404);
    const after = (
      await t.app.inject({ method: 'GET', url: '/api/audit/v1/me/access-log', headers: auth(citizen) })
    ).json();
    expect(after).toEqual(before);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/audit/v1/me/access-log',
      headers: auth('x.y.z'),
    });
    expect(bad.json().code).toBe('ERR_UNAUTHENTICATED');
  });
});
