import { readFileSync } from 'node:fs';
import { AppError } from '@dinhdanh/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSod } from '../sod/sod.parser.ts';
import { parseCertificates } from '../trust/certificate.ts';
import { addTrustAnchor, createTrustStore, importTrustFile } from '../trust/trust-store.ts';
import { type CardFiles, verifyCard } from './passive-auth.ts';

const data = '/work/shared/data/emrtd';
const read = (file: string) => new Uint8Array(readFileSync(`${data}/${file}`));

function referenceSet(set: string, dgs: Record<number, string>): CardFiles {
  return {
    sod: read(`${set}/EF_SOD.bin`),
    dataGroups: new Map(Object.entries(dgs).map(([dg, file]) => [Number(dg), read(`${set}/${file}`)])),
  };
}
function trustDsc(file: string) {
  const trust = createTrustStore();
  for (const cert of parseCertificates(read(file))) addTrustAnchor(trust, cert);
  return trust;
}

const bsi = () => referenceSet('bsi-tr03105', { 1: 'EF_DG1.bin', 14: 'EF_DG14.bin' });
const bsiTrust = () => trustDsc('bsi-tr03105/DSC_HJP_PB_DS_0142fd5cf927.pem');
const bsiAt = new Date('2014-06-01T00:00:00Z'); // inside the DSC's validity (2013-12-16 … 2014-12-11)

describe('passive authentication: reference sets', () => {
  it('verifies the BSI TR-03105 set with its DSC as trust anchor', () => {
    const result = verifyCard(bsi(), { trust: bsiTrust(), at: bsiAt });
    expect(result.failures).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.signature).toMatchObject({ status: 'passed', algorithm: 'rsassa-pss-sha256-salt32' });
    expect(result.chain).toMatchObject({ status: 'passed', anchorIsSigner: true });
    expect(result.dataGroups.map((c) => [c.dg, c.status])).toEqual([
      [1, 'passed'],
      [2, 'not_read'],
      [3, 'not_read'],
      [4, 'not_read'],
      [14, 'passed'],
    ]);
    expect(result.dg1?.primaryIdentifier).toBe('MUSTERMANN');
    expect(result.dg1?.documentNumber).toBe('C11T002JM');
  });

  it('reports the BSI DG15 as not in the SOD (its check fails, never "verified"; the set still verifies)', () => {
    const files = referenceSet('bsi-tr03105', { 1: 'EF_DG1.bin', 14: 'EF_DG14.bin', 15: 'EF_DG15.bin' });
    const result = verifyCard(files, { trust: bsiTrust(), at: bsiAt });
    expect(result.valid).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual(['dg_not_in_sod']);
    expect(result.dataGroups.find((c) => c.dg === 15)).toMatchObject({
      status: 'failed',
      reason: 'dg_not_in_sod',
    });
  });

  it('verifies the ETSI TR 103 200 set including DG15', () => {
    const files = referenceSet('etsi-tr103200', { 1: 'EF_DG1.bin', 14: 'EF_DG14.bin', 15: 'EF_DG15.bin' });
    const result = verifyCard(files, {
      trust: trustDsc('etsi-tr103200/DSC_ETSI_DS_0130846f2b3e.der'),
      at: new Date('2012-01-01T00:00:00Z'),
    });
    expect(result.failures).toEqual([]);
    expect(result.dataGroups.filter((c) => c.status === 'passed').map((c) => c.dg)).toEqual([1, 14, 15]);
  });
});

describe('passive authentication: tampering', () => {
  const flip = (bytes: Uint8Array, at: number) => {
    const copy = Uint8Array.from(bytes);
    copy[at] = (copy[at] as number) ^ 0x01;
    return copy;
  };

  it('a changed byte in each DG fails with dg_hash_mismatch', () => {
    for (const dg of [1, 14]) {
      const files = bsi();
      const original = files.dataGroups.get(dg) as Uint8Array;
      const map = new Map(files.dataGroups);
      map.set(dg, flip(original, original.length - 3));
      const result = verifyCard({ ...files, dataGroups: map }, { trust: bsiTrust(), at: bsiAt });
      expect(result.failures).toEqual(['dg_hash_mismatch']);
      expect(result.dataGroups.find((c) => c.dg === dg)?.reason).toBe('dg_hash_mismatch');
    }
  });

  it('a changed byte in the SOD signature fails with sod_signature_invalid', () => {
    const files = bsi();
    const sod = parseSod(files.sod);
    const offset = files.sod.length - sod.signedData.signer.signature.length + 10;
    expect(files.sod.subarray(offset - 10)).toEqual(sod.signedData.signer.signature);
    const result = verifyCard({ ...files, sod: flip(files.sod, offset) }, { trust: bsiTrust(), at: bsiAt });
    expect(result.failures).toEqual(['sod_signature_invalid']);
  });

  it('a changed byte in the signed attributes fails', () => {
    const files = bsi();
    const sod = parseSod(files.sod);
    const attrs = sod.signedData.signer.signedAttributes as Uint8Array;
    const at = Buffer.from(files.sod).indexOf(Buffer.from(attrs.subarray(1)));
    // last byte of the attributes = last byte of the message digest value
    const result = verifyCard(
      { ...files, sod: flip(files.sod, at + attrs.length - 2) },
      { trust: bsiTrust(), at: bsiAt },
    );
    expect(result.failures).toEqual(
      expect.arrayContaining(['message_digest_mismatch', 'sod_signature_invalid']),
    );
  });

  it('a changed byte in the LDS security object (DG hash table) fails', () => {
    const files = bsi();
    const sod = parseSod(files.sod);
    const at = Buffer.from(files.sod).indexOf(Buffer.from(sod.dgHashes.get(2) as Uint8Array));
    const result = verifyCard({ ...files, sod: flip(files.sod, at) }, { trust: bsiTrust(), at: bsiAt });
    expect(result.failures).toContain('message_digest_mismatch');
    expect(result.valid).toBe(false);
  });

  it('a wrong trust anchor fails with untrusted_signer', () => {
    const result = verifyCard(bsi(), {
      trust: trustDsc('etsi-tr103200/DSC_ETSI_DS_0130846f2b3e.pem'),
      at: bsiAt,
    });
    expect(result.failures).toEqual(['untrusted_signer']);
    const empty = verifyCard(bsi(), { trust: createTrustStore(), at: bsiAt });
    expect(empty.failures).toEqual(['untrusted_signer']);
  });

  it('outside the DSC validity fails with certificate_expired / certificate_not_yet_valid', () => {
    expect(verifyCard(bsi(), { trust: bsiTrust(), at: new Date('2020-01-01') }).failures).toEqual([
      'certificate_expired',
    ]);
    expect(verifyCard(bsi(), { trust: bsiTrust(), at: new Date('2013-06-01') }).failures).toEqual([
      'certificate_not_yet_valid',
    ]);
  });

  it('malformed, truncated and oversized SODs are reported, not thrown', () => {
    const files = bsi();
    for (const sod of [
      files.sod.subarray(0, 100),
      new Uint8Array(0),
      Uint8Array.of(0x77, 0x84, 0xff, 0xff, 0xff, 0xff),
    ]) {
      expect(verifyCard({ ...files, sod }, { trust: bsiTrust(), at: bsiAt }).failures).toEqual([
        'malformed_sod',
      ]);
    }
    const huge = new Uint8Array(2 * 1024 * 1024);
    expect(verifyCard({ ...files, sod: huge }, { trust: bsiTrust(), at: bsiAt }).failures).toEqual([
      'malformed_sod',
    ]);
  });

  it('property: SOD parser throws only catalogued errors, verifyCard never throws', () => {
    const sod = bsi().sod;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sod.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(sod.length),
        (i, b, cut) => {
          const mutated = Uint8Array.from(sod).subarray(0, Math.max(cut, 1));
          if (i < mutated.length) mutated[i] = b;
          try {
            parseSod(mutated);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
          const result = verifyCard({ ...bsi(), sod: mutated }, { trust: bsiTrust(), at: bsiAt });
          expect(typeof result.valid).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          parseSod(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('trust store', () => {
  it('imports the ICAO master list: 520 CSCAs, the VN CSCA among them', () => {
    const trust = createTrustStore();
    const imported = importTrustFile(trust, read('icao-master-list/allowlist.ml'));
    expect(imported.kind).toBe('master_list');
    if (imported.kind !== 'master_list') return;
    expect(imported.masterList.certificates).toHaveLength(520);
    expect(imported.masterList.signature).toBe('signer_untrusted');
    const vn = parseCertificates(read('icao-master-list/CSCA_VN_506F1357.pem'))[0];
    expect(trust.anchors.has(vn?.fingerprint as string)).toBe(true);
    expect([...trust.anchors.values()].filter((c) => c.country === 'VN').map((c) => c.subject)).toEqual([
      'C=VN, O=Vietnam Government Information Security Commission, CN=CSCA ePassport Vietnam',
    ]);
  });

  it('verifies the master list signature when the UN CSCA is trusted', () => {
    const all = createTrustStore();
    importTrustFile(all, read('icao-master-list/allowlist.ml'));
    const un = [...all.anchors.values()].filter((c) => c.subject.includes('United Nations CSCA'));
    const trust = createTrustStore();
    for (const cert of un) addTrustAnchor(trust, cert);
    const imported = importTrustFile(trust, read('icao-master-list/allowlist.ml'));
    expect(imported.kind === 'master_list' && imported.masterList.signature).toBe(
      un.length > 0 ? 'verified' : 'signer_untrusted',
    );
  });
});
