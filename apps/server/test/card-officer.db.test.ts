import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accessLog, subjectKey } from '@dinhdanh/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, auth, captureJpeg, identityClient, registerPerson } from './identity-helpers.ts';
import { createTestApp, type TestApp } from './test-app.ts';

// The officer console's card actions: issue at the counter, verify, revoke; level 2 by the chip.
const keysDir = mkdtempSync(path.join(tmpdir(), 'card-officer-'));
let t: TestApp;
let officer: string;
let outsider: string;

beforeAll(async () => {
  t = await createTestApp({ env: { DINHDANH_KEYS_DIR: keysDir } });
  officer = await t.token('00004', 'cb-card');
  outsider = await t.token('79', 'cb-hcm');
});
afterAll(async () => {
  await t.close();
  rmSync(keysDir, { recursive: true, force: true });
});

const card = (url: string, body: unknown, token: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/card/v1/officer${url}`,
    payload: body as object,
    headers: auth(token),
  });
const verifyBody = (files: Record<string, string>) => ({
  sod: files['EF_SOD.bin'],
  dataGroups: {
    '1': files['EF_DG1.bin'],
    '2': files['EF_DG2.bin'],
    '13': files['EF_DG13.bin'],
    '15': files['EF_DG15.bin'],
  },
});
const chipOf = (files: Record<string, string>) => verifyBody(files);

describe('officer card API', () => {
  it('issues (chip summarised, files to download), verifies, revokes, then verifies as revoked', async () => {
    const idNumber = await registerPerson(t, officer, {
      fullName: 'Nguyễn Thị Ánh',
      dateOfBirth: '1990-03-04',
      phone: '0911111111',
    });
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/card/v1/officer/cards', payload: { idNumber } }))
        .statusCode,
    ).toBe(401);
    expect((await card('/cards', { idNumber }, outsider)).json().code).toBe('ERR_FORBIDDEN_UNIT');
    const issued = await card('/cards', { idNumber }, officer);
    expect(issued.statusCode, issued.body).toBe(201);
    const body = issued.json();
    expect(body.card).toMatchObject({ cardNumber: idNumber, status: 'active', expiryDate: '2030-03-04' });
    expect(body.chip.efCom.dataGroups).toEqual([1, 2, 13, 15]);
    expect(body.chip.dg1.lines).toHaveLength(3);
    expect(body.chip.dg1.lines[0]).toMatch(new RegExp(`^IDVNM${idNumber.slice(-9)}\\d${idNumber}<`));
    expect(body.chip.dg13).toMatchObject({ idNumber, fullName: 'Nguyễn Thị Ánh', dateOfBirth: '04/03/1990' });
    expect(body.chip.dg15).toEqual({ keyType: 'ec', curve: 'prime256v1' });
    expect(body.chip.sod.hashAlgorithm).toMatch(/sha-?256/i);
    expect(body.chip.sod.dataGroupHashes.map((h: { dg: number }) => h.dg)).toEqual([1, 2, 13, 15]);
    expect(body.chip.sod.documentSigner.subject).toContain('Document Signer');
    expect(Object.keys(body.files).sort()).toEqual(
      [
        'EF_COM.bin',
        'EF_DG1.bin',
        'EF_DG13.bin',
        'EF_DG15.bin',
        'EF_DG2.bin',
        'EF_SOD.bin',
        'csca.pem',
        'ds.pem',
        'qr.txt',
      ].sort(),
    );

    const verified = await card('/cards/verifications', verifyBody(body.files), outsider);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ valid: true, registry: { idNumber, consistent: true } });
    const log = await accessLog(t.database.db, subjectKey(t.subjectSecret, idNumber), { limit: 50 });
    expect(
      log.some((e) => e.action === 'card.verified' && e.actor.kind === 'officer' && e.actor.id === 'cb-hcm'),
    ).toBe(true);

    expect((await card('/cards/revocations', { idNumber, reason: 'lost' }, outsider)).json().code).toBe(
      'ERR_FORBIDDEN_UNIT',
    );
    const revoked = await card('/cards/revocations', { idNumber, reason: 'lost', note: 'mất ví' }, officer);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().card).toMatchObject({ status: 'revoked', reason: 'lost: mất ví' });
    const after = await card('/cards/verifications', verifyBody(body.files), officer);
    expect(after.json()).toMatchObject({ valid: false, registry: { findings: ['card_revoked'] } });
    expect((await card('/cards/revocations', { idNumber, reason: 'lost' }, officer)).json().code).toBe(
      'ERR_CARD_NOT_FOUND',
    );
  });

  it('reports a tampered chip file with its reason', async () => {
    const idNumber = await registerPerson(t, officer, {
      fullName: 'Lê Văn Bình',
      dateOfBirth: '1985-06-07',
      phone: '0922222222',
    });
    const { files } = (await card('/cards', { idNumber }, officer)).json();
    const dg13 = Buffer.from(files['EF_DG13.bin'], 'base64');
    dg13[dg13.length - 1] ^= 1;
    const result = await card(
      '/cards/verifications',
      {
        ...verifyBody(files),
        dataGroups: { ...verifyBody(files).dataGroups, '13': dg13.toString('base64') },
      },
      officer,
    );
    expect(result.json().valid).toBe(false);
    expect(result.json().verification.failures).toContain('dg_hash_mismatch');
  });

  it('raises to level 2 only with this person’s current, genuine chip', async () => {
    const post = identityClient(t).post;
    const idNumber = await registerPerson(t, officer, {
      fullName: 'Trần Thị Cúc',
      fingerprints: true,
      dateOfBirth: '1979-08-09',
      phone: '0933333333',
    });
    const other = await registerPerson(t, officer, {
      fullName: 'Phạm Văn Dũng',
      dateOfBirth: '1981-01-02',
      phone: '0944444444',
    });
    await t.citizenSession(idNumber);
    const mine = (await card('/cards', { idNumber }, officer)).json();
    const theirs = (await card('/cards', { idNumber: other }, officer)).json();
    const level2 = (chip: unknown) =>
      post('/officer/level2', { idNumber, chip, fingerprint: { image: captureJpeg } }, auth(officer));

    const another = await level2(chipOf(theirs.files));
    expect(another.json().code).toBe('ERR_CARD_VERIFICATION_FAILED');
    expect(another.json().failures).toEqual(['other_persons_card']);

    const tamperedSod = Buffer.from(mine.files['EF_SOD.bin'], 'base64');
    tamperedSod[tamperedSod.length - 3] ^= 0xff;
    const tampered = await level2({ ...chipOf(mine.files), sod: tamperedSod.toString('base64') });
    expect(tampered.json().code).toBe('ERR_CARD_VERIFICATION_FAILED');
    const dg1 = Buffer.from(mine.files['EF_DG1.bin'], 'base64');
    dg1[10] ^= 1;
    const tamperedDg = await level2({
      ...chipOf(mine.files),
      dataGroups: { ...chipOf(mine.files).dataGroups, '1': dg1.toString('base64') },
    });
    expect(tamperedDg.json().failures).toContain('dg_hash_mismatch');
    // The typed card number is gone from the API.
    expect(
      (
        await post(
          '/officer/level2',
          { idNumber, cardNumber: idNumber, fingerprint: { image: captureJpeg } },
          auth(officer),
        )
      ).statusCode,
    ).toBe(400);

    const raised = await level2(chipOf(mine.files));
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json()).toMatchObject({
      level: 2,
      cardNumber: idNumber,
      level2Card: { issueDate: mine.card.issueDate, documentNumber: idNumber.slice(-9) },
    });
    expect(API).toBe('/api/identity/v1');
  });

  it('takes the card in force when two were issued the same day (same card number, same issue date)', async () => {
    const post = identityClient(t).post;
    const idNumber = await registerPerson(t, officer, {
      fullName: 'Đặng Thị Giang',
      fingerprints: true,
      dateOfBirth: '1988-11-12',
      phone: '0966666666',
    });
    await t.citizenSession(idNumber);
    const first = (await card('/cards', { idNumber }, officer)).json();
    const second = (await card('/cards', { idNumber }, officer)).json();
    expect(second.card.issueDate).toBe(first.card.issueDate);
    const level2 = (files: Record<string, string>) =>
      post(
        '/officer/level2',
        { idNumber, chip: chipOf(files), fingerprint: { image: captureJpeg } },
        auth(officer),
      );

    // The replaced card verifies as genuine but is not the current one, at the counter and for level 2.
    const replaced = await card('/cards/verifications', verifyBody(first.files), officer);
    expect(replaced.json()).toMatchObject({
      registry: { consistent: false, findings: ['not_current_card'] },
    });
    expect(replaced.json().registry.card).toMatchObject({ status: 'replaced' });
    const refused = await level2(first.files);
    expect(refused.json().code, refused.body).toBe('ERR_CARD_VERIFICATION_FAILED');
    expect(refused.json().failures).toEqual(['not_current_card']);

    const current = await card('/cards/verifications', verifyBody(second.files), officer);
    expect(current.json()).toMatchObject({
      valid: true,
      registry: { consistent: true, card: { status: 'active' } },
    });
    const raised = await level2(second.files);
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json()).toMatchObject({ level: 2, level2Card: { issueDate: second.card.issueDate } });
  });

  it('refuses a revoked card for level 2', async () => {
    const post = identityClient(t).post;
    const idNumber = await registerPerson(t, officer, {
      fullName: 'Võ Thị Em',
      fingerprints: true,
      dateOfBirth: '1992-02-03',
      phone: '0955555555',
    });
    await t.citizenSession(idNumber);
    const issued = (await card('/cards', { idNumber }, officer)).json();
    await card('/cards/revocations', { idNumber, reason: 'damaged' }, officer);
    const refused = await post(
      '/officer/level2',
      { idNumber, chip: chipOf(issued.files), fingerprint: { image: captureJpeg } },
      auth(officer),
    );
    expect(refused.json().code).toMatch(/ERR_CARD_VERIFICATION_FAILED|ERR_ACCOUNT_LOCKED/);
  });
});
