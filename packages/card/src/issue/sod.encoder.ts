import { createHash } from 'node:crypto';
import { signCms } from '../pki/cms.ts';
import type { DocumentSigner } from '../pki/pki-store.ts';
import { derInteger, derOctetString, derOid, derSequence, encodeTlv } from './der.ts';

/** id-icao-mrtd-security-ldsSecurityObject (ICAO 9303-10 §4.6.2). */
export const ID_LDS_SECURITY_OBJECT = '2.23.136.1.1.1';
const ID_SHA256 = '2.16.840.1.101.3.4.2.1';

/**
 * `LDSSecurityObject ::= SEQUENCE { version INTEGER (v0), hashAlgorithm AlgorithmIdentifier,
 * dataGroupHashValues SEQUENCE OF DataGroupHash }` with SHA-256 of each complete DG file.
 * v0 (no LDS version info) because the chip holds no LDS 1.8 data groups.
 */
export function encodeLdsSecurityObject(dataGroups: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const hashes = [...dataGroups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([dg, bytes]) =>
      derSequence(derInteger(dg), derOctetString(createHash('sha256').update(bytes).digest())),
    );
  return derSequence(derInteger(0), derSequence(derOid(ID_SHA256)), derSequence(...hashes));
}

/** EF.SOD (tag 77): the CMS SignedData over the LDSSecurityObject, signed by the Document Signer. */
export function encodeSod(input: {
  dataGroups: ReadonlyMap<number, Uint8Array>;
  signer: DocumentSigner;
  signingTime: Date;
}): Uint8Array {
  const signed = signCms({
    eContentType: ID_LDS_SECURITY_OBJECT,
    eContent: encodeLdsSecurityObject(input.dataGroups),
    signer: input.signer,
    signingTime: input.signingTime,
  });
  return encodeTlv(0x77, signed);
}
