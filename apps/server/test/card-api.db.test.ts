import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accessLog, subjectKey } from '@dinhdanh/audit';
import { CardPkiStore, type IssuedCard, issueCard } from '@dinhdanh/card';
import { testDatabaseKind } from '@dinhdanh/db/testing';
import { jwsSigner } from '@dinhdanh/kernel';
import { registerClient } from '@dinhdanh/oidc';
import {
  defaultRules,
  type Officer,
  type RegistryContext,
  registerBirth,
  revokeCard,
} from '@dinhdanh/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

// The chip-card verification API as a bank would use it: authenticated by a signed client
// assertion, a single-use Active Authentication challenge, then the files read from the chip.
const keysDir = mkdtempSync(path.join(tmpdir(), 'card-api-'));
const officer: Officer = {
  officerId: 'card-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};
const rpKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = jwsSigner({ alg: 'ES256', key: rpKeys.privateKey, kid: 'bank-1' });
let t: TestApp;
let ctx: RegistryContext;
let clientId: string;
let issued: IssuedCard;
let idNumber: string;
let documentSigner: Awaited<ReturnType<CardPkiStore['currentDocumentSigner']>>;
const issuer = 'http://127.0.0.1:3000';

beforeAll(async () => {
  t = await createTestApp({ env: { DINHDANH_KEYS_DIR: keysDir } });
  ctx = {
    db: t.database.db,
    units: t.units,
    clock: t.clock,
    rules: defaultRules,
    audit: { subjectSecret: t.subjectSecret, auditReads: true },
  };
  const pki = new CardPkiStore(keysDir, { allowCreate: true });
  await pki.initCsca('ecdsa-p256', { now: t.clock.now() });
  documentSigner = await pki.currentDocumentSigner('ecdsa-p256', {
    now: t.clock.now(),
    autoIssue: true,
  });
  const person = await registerBirth(ctx, officer, {
    fullName: 'Phạm Thị Thu Hà',
    dateOfBirth: '1988-04-02',
    sex: 'female',
    placeOfBirth: 'Hà Nội',
    registrationCommuneCode: '00004',
    permanentAddress: { communeCode: '00004', detail: 'Số 5 Phố Hàng Bông' },
  });
  idNumber = person.idNumber;
  issued = await issueCard(ctx, { idNumber, officer, signer: documentSigner });
  const rp = await registerClient(t.database.db, t.clock, {
    name: 'Ngân hàng Thử nghiệm',
    redirectUris: ['https://bank.example/cb'],
    jwks: { keys: [{ ...rpKeys.publicKey.export({ format: 'jwk' }), kid: 'bank-1', alg: 'ES256' }] },
  });
  clientId = rp.clientId;
});
afterAll(async () => {
  await t.close();
  rmSync(keysDir, { recursive: true, force: true });
});

function assertion(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  return signer.sign({
    iss: clientId,
    sub: clientId,
    aud: `${issuer}/api/card/v1`,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...overrides,
  });
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
function chipBody(card: IssuedCard, tamper?: number) {
  const dg1 = new Uint8Array(card.files['EF_DG1.bin']);
  if (tamper !== undefined) dg1[tamper] = (dg1[tamper] ?? 0) ^ 0x01;
  return {
    sod: b64(card.files['EF_SOD.bin']),
    dataGroups: {
      '1': b64(dg1),
      '2': b64(card.files['EF_DG2.bin']),
      '13': b64(card.files['EF_DG13.bin']),
      '15': b64(card.files['EF_DG15.bin']),
    },
  };
}

async function post(url: string, payload: unknown, token = assertion()) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });
}

describe(`chip-card verification API (${testDatabaseKind()})`, () => {
  it('verifies a genuine card with a fresh challenge, cross-checks the registry, and logs it for the citizen', async () => {
    const challenge = await post('/api/card/v1/challenges', {});
    expect(challenge.statusCode).toBe(201);
    const { challengeId, nonce } = challenge.json();
    const signature = issued.chip.internalAuthenticate(new Uint8Array(Buffer.from(nonce, 'base64url')));
    const body = { ...chipBody(issued), activeAuthentication: { challengeId, signature: b64(signature) } };
    const answer = await post('/api/card/v1/verifications', body);
    expect(answer.statusCode).toBe(200);
    const result = answer.json();
    expect(result.verification.failures).toEqual([]);
    expect(result.verification.activeAuthentication.status).toBe('passed');
    expect(result.registry).toMatchObject({ idNumber, consistent: true, findings: [] });
    expect(result.valid).toBe(true);

    // The same challenge again: the chip's signature proves nothing the second time.
    const replay = await post('/api/card/v1/verifications', body);
    expect(replay.json().valid).toBe(false);
    expect(replay.json().verification.activeAuthentication).toMatchObject({ status: 'failed' });

    const log = await accessLog(t.database.db, subjectKey(t.subjectSecret, idNumber), { limit: 50 });
    const verified = log.filter((entry) => entry.action === 'card.verified');
    expect(verified.length).toBe(2);
    expect(verified[0]?.actor).toMatchObject({ kind: 'relying_party', id: clientId });
  });

  it('names a changed byte, and a card the registry has revoked', async () => {
    const tampered = await post('/api/card/v1/verifications', chipBody(issued, 12));
    expect(tampered.json().valid).toBe(false);
    expect(tampered.json().verification.failures).toContain('dg_hash_mismatch');

    // A card of its own: the shared one stays in force for the other tests, whatever their order.
    const holder = await registerBirth(ctx, officer, {
      fullName: 'Lê Văn Bình',
      dateOfBirth: '1979-09-12',
      sex: 'male',
      placeOfBirth: 'Hà Nội',
      registrationCommuneCode: '00004',
      permanentAddress: { communeCode: '00004', detail: 'Số 7 Phố Hàng Bông' },
    });
    const lost = await issueCard(ctx, { idNumber: holder.idNumber, officer, signer: documentSigner });
    await revokeCard(ctx, officer, { idNumber: holder.idNumber, reason: 'lost' });
    const revoked = await post('/api/card/v1/verifications', chipBody(lost));
    expect(revoked.json().verification.valid).toBe(true);
    expect(revoked.json().valid).toBe(false);
    expect(revoked.json().registry.findings).toContain('card_revoked');
  });

  it('refuses callers that are not registered relying parties, and replayed assertions', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/card/v1/challenges' })).statusCode).toBe(401);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = jwsSigner({ alg: 'ES256', key: other.privateKey, kid: 'bank-1' }).sign({
      iss: clientId,
      sub: clientId,
      aud: `${issuer}/api/card/v1`,
      jti: randomUUID(),
      exp: Math.floor(t.clock.now().getTime() / 1000) + 60,
    });
    expect((await post('/api/card/v1/challenges', {}, forged)).json().code).toBe('ERR_UNAUTHENTICATED');
    const once = assertion();
    expect((await post('/api/card/v1/challenges', {}, once)).statusCode).toBe(201);
    expect((await post('/api/card/v1/challenges', {}, once)).statusCode).toBe(401);
    const wrongAudience = assertion({ aud: 'https://elsewhere.example' });
    expect((await post('/api/card/v1/challenges', {}, wrongAudience)).statusCode).toBe(401);
  });

  it('checks the printed QR against the registry field by field; it is never verified by itself', async () => {
    const good = await post('/api/card/v1/qr-verifications', { qr: issued.qr });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({
      verified: true,
      personFound: true,
      qr: { idNumber, fullName: 'Phạm Thị Thu Hà', dateOfBirth: '1988-04-02' },
      fields: { fullName: 'match', dateOfBirth: 'match', sex: 'match', issueDate: 'match' },
    });
    const forged = issued.qr.replace('Phạm Thị Thu Hà', 'Phạm Thị Thu Hằng');
    const altered = await post('/api/card/v1/qr-verifications', { qr: forged });
    expect(altered.json()).toMatchObject({ verified: false, fields: { fullName: 'mismatch' } });
    const malformed = await post('/api/card/v1/qr-verifications', { qr: 'not|a|card' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('ERR_CARD_QR_MALFORMED');
  });
});
