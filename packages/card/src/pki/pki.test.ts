import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cardAlgorithms } from './algorithms.ts';
import { certificateDer, serialHex } from './certificates.ts';
import { CardPkiStore } from './pki-store.ts';

const keysDir = mkdtempSync(path.join(tmpdir(), 'card-pki-'));
afterAll(() => rmSync(keysDir, { recursive: true, force: true }));
const now = new Date('2026-03-01T08:00:00Z');

describe('card PKI', () => {
  const store = new CardPkiStore(keysDir, { allowCreate: true });

  for (const algorithm of cardAlgorithms) {
    it(`creates a self-signed CSCA and a Document Signer under it (${algorithm})`, async () => {
      const { certificate, created } = await store.initCsca(algorithm, { now });
      expect(created).toBe(true);
      expect((await store.initCsca(algorithm, { now })).created).toBe(false);
      const csca = new X509Certificate(certificateDer(certificate));
      expect(csca.ca).toBe(true);
      expect(csca.verify(csca.publicKey)).toBe(true);
      expect(csca.keyUsage).toBeUndefined(); // node lists extended key usage only; none on a CSCA
      expect(new Date(csca.validTo).getUTCFullYear()).toBe(2041);

      const ds = await store.issueDocumentSigner(algorithm, { now });
      const dsCert = new X509Certificate(certificateDer(ds.certificate));
      expect(dsCert.ca).toBe(false);
      expect(dsCert.verify(csca.publicKey)).toBe(true);
      expect(dsCert.checkIssued(csca)).toBe(true);
      expect(statSync(path.join(store.dir, algorithm, 'csca.key')).mode & 0o777).toBe(0o600);
      expect(
        statSync(path.join(store.dir, algorithm, 'ds', `${serialHex(ds.certificate)}.key`)).mode & 0o777,
      ).toBe(0o600);
      const current = await store.currentDocumentSigner(algorithm, { now });
      expect(serialHex(current.certificate)).toBe(serialHex(ds.certificate));
    });
  }

  it('refuses a Document Signer past its 3-month usage period, and one that is revoked', async () => {
    const later = new Date('2026-06-02T00:00:00Z');
    await expect(store.currentDocumentSigner('ecdsa-p256', { now: later })).rejects.toMatchObject({
      code: 'ERR_CARD_SIGNER_UNAVAILABLE',
    });
    const ds = await store.currentDocumentSigner('ecdsa-p256', { now });
    await store.revokeDocumentSigner('ecdsa-p256', serialHex(ds.certificate), {
      now,
      reason: 'keyCompromise',
    });
    await expect(store.currentDocumentSigner('ecdsa-p256', { now })).rejects.toMatchObject({
      code: 'ERR_CARD_SIGNER_UNAVAILABLE',
    });
    const crl = await store.crl('ecdsa-p256', { now });
    expect(Buffer.from(crl).includes(Buffer.from(serialHex(ds.certificate), 'hex'))).toBe(true);
  });

  it('exports a master list of every CSCA', async () => {
    const list = await store.masterList({ now });
    expect(Buffer.from(list).includes(Buffer.from('0606678108010102', 'hex'))).toBe(true);
  });
});
