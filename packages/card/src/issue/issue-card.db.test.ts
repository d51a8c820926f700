import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '@dinhdanh/db';
import { testDatabase, testDatabaseKind } from '@dinhdanh/db/testing';
import { fixedClock } from '@dinhdanh/kernel';
import {
  AdminUnits,
  currentCard,
  defaultRules,
  getPerson,
  loadAdminUnits,
  type Officer,
  type RegistryContext,
  readRegistryChanges,
  recordDeath,
  registerBirth,
  revokeCard,
} from '@dinhdanh/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDg15 } from '../lds/lds.parser.ts';
import { cardAlgorithms } from '../pki/algorithms.ts';
import { certificateDer } from '../pki/certificates.ts';
import { CardPkiStore } from '../pki/pki-store.ts';
import { parseCardQr } from '../qr/card-qr.ts';
import { parseCertificate } from '../trust/certificate.ts';
import { addTrustAnchor, createTrustStore } from '../trust/trust-store.ts';
import { verifyActiveAuthentication } from '../verify/active-auth.ts';
import { verifyCard } from '../verify/passive-auth.ts';
import { issueCard } from './issue-card.service.ts';

let database: Database;
let ctx: RegistryContext;
const keysDir = mkdtempSync(path.join(tmpdir(), 'card-issue-'));
const now = new Date('2026-03-01T08:00:00.000Z');
const officer: Officer = {
  officerId: 'test-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};
const pki = new CardPkiStore(keysDir, { allowCreate: true });

beforeAll(async () => {
  database = await testDatabase();
  await loadAdminUnits(database);
  ctx = {
    db: database.db,
    units: await AdminUnits.load(database.db),
    clock: fixedClock(now.toISOString()),
    rules: defaultRules,
    audit: { subjectSecret: randomBytes(32), auditReads: false },
  };
  for (const algorithm of cardAlgorithms) await pki.initCsca(algorithm, { now });
});
afterAll(async () => {
  await database.close();
  rmSync(keysDir, { recursive: true, force: true });
});

async function register(fullName: string, dateOfBirth: string, sex: 'male' | 'female') {
  return registerBirth(ctx, officer, {
    fullName,
    dateOfBirth,
    sex,
    placeOfBirth: 'Bệnh viện Bạch Mai, Hà Nội',
    registrationCommuneCode: '00004',
    placeOfOrigin: 'Xã Đông Hội, Hà Nội',
    permanentAddress: { communeCode: '00004', detail: 'Số 1 Phố Điện Biên Phủ' },
    father: { fullName: 'Nguyễn Văn An' },
    mother: { fullName: 'Trần Thị Bình' },
  });
}

describe(`card issuance (${testDatabaseKind()})`, () => {
  for (const algorithm of cardAlgorithms) {
    it(`issues a card that verifies passively and actively (${algorithm})`, async () => {
      const person = await register('Nguyễn Thị Hương', '1990-08-12', 'female');
      const signer = await pki.currentDocumentSigner(algorithm, { now, autoIssue: true });
      const issued = await issueCard(ctx, { idNumber: person.idNumber, officer, signer });
      expect(issued.card).toMatchObject({
        cardNumber: person.idNumber,
        issueDate: '2026-03-01',
        expiryDate: '2030-08-12',
        status: 'active',
      });

      const trust = createTrustStore();
      addTrustAnchor(trust, parseCertificate(certificateDer(signer.csca)));
      const files = issued.files;
      const result = verifyCard(
        {
          sod: files['EF_SOD.bin'],
          dataGroups: new Map([
            [1, files['EF_DG1.bin']],
            [2, files['EF_DG2.bin']],
            [13, files['EF_DG13.bin']],
            [15, files['EF_DG15.bin']],
          ]),
        },
        { trust, at: now },
      );
      expect(result.failures).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.dg1?.idNumber).toBe(person.idNumber);
      expect(result.dg13).toMatchObject({
        fullName: 'Nguyễn Thị Hương',
        dateOfBirth: '12/08/1990',
        sex: 'Nữ',
        expiryDate: '12/08/2030',
        father: 'Nguyễn Văn An',
        mother: 'Trần Thị Bình',
      });

      const nonce = randomBytes(8);
      const aa = verifyActiveAuthentication(
        parseDg15(files['EF_DG15.bin']),
        nonce,
        issued.chip.internalAuthenticate(nonce),
      );
      expect(aa).toBe(true);
      expect(parseCardQr(issued.qr)).toMatchObject({ idNumber: person.idNumber, sex: 'female' });
    });
  }

  it('revokes the card, marks a re-issue as reinstated, and feeds both to followers', async () => {
    const person = await register('Lê Văn Tám', '1960-01-01', 'male');
    const signer = await pki.currentDocumentSigner('ecdsa-p256', { now, autoIssue: true });
    const first = await issueCard(ctx, { idNumber: person.idNumber, officer, signer });
    expect(first.card.expiryDate).toBeNull(); // 66 years old: no expiry
    const before = (await readRegistryChanges(ctx.db, { after: 0, limit: 10_000 })).at(-1)?.id ?? 0;

    const { card } = await revokeCard(ctx, officer, { idNumber: person.idNumber, reason: 'lost' });
    expect(card).toMatchObject({ status: 'revoked', reason: 'lost' });
    expect(currentCard(await getPerson(ctx, person.idNumber))).toBeUndefined();
    await expect(
      revokeCard(ctx, officer, { idNumber: person.idNumber, reason: 'lost' }),
    ).rejects.toMatchObject({
      code: 'ERR_CARD_NOT_FOUND',
    });

    await issueCard(ctx, { idNumber: person.idNumber, officer, signer, reason: 'lost' });
    const changes = await readRegistryChanges(ctx.db, { after: before, limit: 100 });
    expect(changes.filter((c) => c.idNumber === person.idNumber).map((c) => c.type)).toEqual([
      'card.revoked',
      'card.reinstated',
    ]);
    const cards = (await getPerson(ctx, person.idNumber)).cards;
    expect(cards.map((c) => c.status)).toEqual(['revoked', 'active']);
  });

  it('refuses the deceased and children under 14 unless requested', async () => {
    const signer = await pki.currentDocumentSigner('ecdsa-p256', { now });
    const child = await register('Phạm Minh Khôi', '2016-05-05', 'male');
    await expect(issueCard(ctx, { idNumber: child.idNumber, officer, signer })).rejects.toMatchObject({
      code: 'ERR_CARD_NOT_ELIGIBLE',
    });
    const issued = await issueCard(ctx, { idNumber: child.idNumber, officer, signer, onRequest: true });
    expect(issued.card.expiryDate).toBe('2030-05-05');

    const dead = await register('Hoàng Văn Ba', '1950-02-02', 'male');
    await recordDeath(ctx, officer, { idNumber: dead.idNumber, dateOfDeath: '2026-02-01' });
    await expect(issueCard(ctx, { idNumber: dead.idNumber, officer, signer })).rejects.toMatchObject({
      code: 'ERR_CARD_NOT_ELIGIBLE',
    });
  });
});
