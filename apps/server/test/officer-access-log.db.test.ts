import { appendAuditEntry, subjectKey } from '@dinhdanh/audit';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, registerPerson } from './identity-helpers.ts';
import { createTestApp, type TestApp } from './test-app.ts';

// A supervisor reads a person's access log whose actors other packages name (a relying party, an
// agency, an account holder). Naming them reads other tables; on the embedded database (one
// connection) a read issued while the route's own transaction is open waits for that transaction,
// which waits for the read: the whole server stood still (every request 503) after the officer
// console opened such a person's page.

let t: TestApp;
let officer: string;
let supervisor: string;

beforeAll(async () => {
  t = await createTestApp();
  officer = await t.token('00004', 'cb-1');
  supervisor = await t.token('VN', 'gs-1', 'supervisor');
});
afterAll(async () => {
  await t?.close();
});

const stuck = (ms: number) => new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), ms));

describe(`officer access log (${testDatabaseKind()})`, () => {
  it('names actors from other packages without holding the database', async () => {
    const idNumber = await registerPerson(t, officer, {
      fullName: 'Phan Thị Mai',
      dateOfBirth: '1990-01-02',
    });
    const session = await t.citizenSession(idNumber);
    expect(session).toBeTruthy();
    await appendAuditEntry(t.database.db, {
      actor: { kind: 'relying_party', id: 'rp-not-registered', unit: null },
      action: 'oidc.claims.released',
      subjectKey: subjectKey(t.subjectSecret, idNumber),
      purpose: 'Đăng nhập / login',
    });
    const read = t.app.inject({
      method: 'GET',
      url: `/api/registry/v1/people/${idNumber}/access-log`,
      headers: auth(supervisor),
    });
    const answer = await Promise.race([read, stuck(15_000)]);
    expect(answer, 'the access-log read did not finish').not.toBe('stuck');
    if (answer === 'stuck') return;
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().items.map((item: { action: string }) => item.action)).toContain(
      'oidc.claims.released',
    );
    // The database still answers others.
    const next = await Promise.race([
      t.app.inject({ method: 'GET', url: `/api/registry/v1/people/${idNumber}`, headers: auth(officer) }),
      stuck(15_000),
    ]);
    expect(next === 'stuck' ? 'stuck' : next.statusCode).toBe(200);
  });
});
