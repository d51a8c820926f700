// A citizen whose record an agency matched in bulk sees the match in their access log, through
// the API, with a proof that the batch entry is in the signed log and that they are in the batch
// (ADR 0009); a citizen outside the batch sees nothing of it.
import { generateKeyPairSync } from 'node:crypto';
import {
  type AccessLogEntryProof,
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  verifyAccessLogEntryProof,
  verifyLog,
} from '@dinhdanh/audit';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { createMatchingJob, type MatchingContext, matchNextJob, registerAgency } from '@dinhdanh/exchange';
import { StaticKeyStore } from '@dinhdanh/kernel';
import { seedPopulation } from '@dinhdanh/registry';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, exchangeContextOf, type TestApp } from './test-app.ts';

const keys = new StaticKeyStore({}, { 'audit-checkpoint': [new Uint8Array(32).fill(6)] });
const TAX = {
  code: 'tax.registration',
  description: 'Đăng ký mã số thuế',
  legalBasis: 'Luật Quản lý thuế 38/2019/QH14',
  fields: ['fullName' as const],
};

let t: TestApp;
let people: { id_number: string; full_name: string }[];
let jobId: string;
beforeAll(async () => {
  t = await createTestApp();
  await seedPopulation(t.database, { people: 10, seed: 11, concurrency: 1 });
  people = (
    await sql<{ id_number: string; full_name: string }>`
      SELECT id_number, full_name FROM registry.person_match WHERE date_of_death IS NULL ORDER BY id_number`.execute(
      t.database.db,
    )
  ).rows;
  const ctx: MatchingContext = { ...exchangeContextOf(t), database: t.database };
  const agency = await registerAgency(ctx, {
    name: 'Tổng cục Thuế',
    scopes: ['exchange.match'],
    purposes: [TAX],
    jwks: { keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })] },
  });
  // The first five people, in batches of two: three batch entries.
  const csv = `idNumber,fullName\n${people
    .slice(0, 5)
    .map((person) => `${person.id_number},${person.full_name}`)
    .join('\n')}\n`;
  async function* body() {
    yield new TextEncoder().encode(csv);
  }
  const job = await createMatchingJob(ctx, { agency, purpose: TAX.code, format: 'csv', body: body() });
  jobId = job.jobId;
  expect(await matchNextJob(ctx, { batchSize: 2 })).toMatchObject({ status: 'done', counts: { matched: 5 } });
});
afterAll(() => t?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function matchesOf(token: string) {
  const log = await t.app.inject({ method: 'GET', url: '/api/audit/v1/me/access-log', headers: auth(token) });
  expect(log.statusCode).toBe(200);
  return log.json().items.filter((item: { action: string }) => item.action === 'exchange.person.matched');
}

describe(`bulk matching on the citizen's access log (${testDatabaseKind()})`, () => {
  it('shows the agency’s match to a citizen in a matched batch, with both proofs verifying', async () => {
    const citizen = await t.citizenSession(people[2]!.id_number);
    const items = await matchesOf(citizen);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actor: { kind: 'agency', name: 'Tổng cục Thuế', self: false },
      purpose: 'Đăng ký mã số thuế (tax.registration)',
      legalBasis: TAX.legalBasis,
      recordedAt: '2026-11-23T03:00:00.000Z',
      details: { jobId, fields: ['fullName'] },
    });
    const url = `/api/audit/v1/me/access-log/${items[0].entryId}/proof`;
    expect((await t.app.inject({ method: 'GET', url, headers: auth(citizen) })).statusCode).toBe(404);
    await createCheckpoint(t.database, await checkpointSigner(keys), { clock: t.clock });
    const answer = await t.app.inject({ method: 'GET', url, headers: auth(citizen) });
    expect(answer.statusCode).toBe(200);
    const proof = answer.json() as AccessLogEntryProof;
    // Batches of two lines: the third person shares the second batch with the fourth.
    expect(JSON.parse(proof.canonical)).toMatchObject({ v: 2, subjectKey: null, members: { count: 2 } });
    expect(proof.member).toMatchObject({ count: 2 });
    expect(JSON.parse(proof.member!.canonical)).toMatchObject({ details: { fields: ['fullName'] } });
    const publicKeys = await checkpointVerifierKeys(keys);
    expect(verifyAccessLogEntryProof(proof, publicKeys)).toBe(true);
    // A member record that is not the one committed to does not verify.
    const forged = {
      ...proof,
      member: { ...proof.member!, canonical: proof.member!.canonical.replace('fullName', 'sex') },
    };
    expect(verifyAccessLogEntryProof(forged, publicKeys)).toBe(false);
    expect((await verifyLog(t.database, publicKeys)).ok).toBe(true);

    // The person in the same batch gets the same entry with their own membership.
    const neighbour = await t.citizenSession(people[3]!.id_number);
    const theirs = await t.app.inject({ method: 'GET', url, headers: auth(neighbour) });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().member.index).not.toBe(proof.member!.index);
    expect(verifyAccessLogEntryProof(theirs.json(), publicKeys)).toBe(true);
  });

  it('shows nothing of it to a citizen outside the batch, and refuses them its proof', async () => {
    const member = await t.citizenSession(people[0]!.id_number);
    const [entry] = await matchesOf(member);
    const outsider = await t.citizenSession(people[7]!.id_number);
    expect(await matchesOf(outsider)).toEqual([]);
    const refused = await t.app.inject({
      method: 'GET',
      url: `/api/audit/v1/me/access-log/${entry.entryId}/proof`,
      headers: auth(outsider),
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});
