import { CardPkiStore, type IssuedCard, issueCard } from '@dinhdanh/card';
import type { Database } from '@dinhdanh/db';
import type { Clock } from '@dinhdanh/kernel';
import { type AdminUnits, defaultRules, type Officer, type RegistryContext } from '@dinhdanh/registry';

const issuingOfficer: Officer = {
  officerId: 'test-card-officer',
  unit: { code: 'VN', level: 'country', name: 'Việt Nam' },
  role: 'officer',
};

/** The level-2 request's `chip`: the files a reader dumps, base64, as the officer console sends them. */
export function chipBody(issued: Pick<IssuedCard, 'files'>) {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    sod: b64(issued.files['EF_SOD.bin']),
    dataGroups: {
      '1': b64(issued.files['EF_DG1.bin']),
      '2': b64(issued.files['EF_DG2.bin']),
      '13': b64(issued.files['EF_DG13.bin']),
      '15': b64(issued.files['EF_DG15.bin']),
    },
  };
}

/**
 * Issues a real chip card (ECDSA P-256 Document Signer under the test app's keys directory, made
 * on first use) for a person in the registry, as level-2 activation needs one to read in person.
 */
export async function issueTestCard(
  t: { database: Database; units: AdminUnits; clock: Clock; subjectSecret: Uint8Array },
  keysDir: string,
  idNumber: string,
): Promise<IssuedCard & { chipBody: ReturnType<typeof chipBody> }> {
  const ctx: RegistryContext = {
    db: t.database.db,
    units: t.units,
    clock: t.clock,
    rules: defaultRules,
    audit: { subjectSecret: t.subjectSecret, auditReads: true },
  };
  const pki = new CardPkiStore(keysDir, { allowCreate: true });
  await pki.initCsca('ecdsa-p256', { now: t.clock.now() });
  const signer = await pki.currentDocumentSigner('ecdsa-p256', { now: t.clock.now(), autoIssue: true });
  const issued = await issueCard(ctx, { idNumber, officer: issuingOfficer, signer, onRequest: true });
  return { ...issued, chipBody: chipBody(issued) };
}
