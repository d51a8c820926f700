import type { Certificate } from '@peculiar/asn1-x509';
import { derInteger, derSequence, derSetOf } from '../issue/der.ts';
import { certificateDer, type Issuer } from './certificates.ts';
import { signCms } from './cms.ts';

/** id-icao-cscaMasterList (ICAO 9303-12 §9). */
export const ID_ICAO_CSCA_MASTER_LIST = '2.23.136.1.1.2';

/**
 * A CSCA master list: CMS SignedData over `CscaMasterList ::= SEQUENCE { version INTEGER (0),
 * certList SET OF Certificate }`. ICAO wants a master list signer certificate issued by the CSCA;
 * signing with the CSCA itself is what smaller issuers do and verifiers accept when the signer is
 * itself a listed CSCA — this platform does that, so `init` needs no third key per algorithm.
 */
export function createMasterList(input: {
  cscas: readonly Certificate[];
  signer: Issuer;
  signingTime: Date;
}): Uint8Array {
  const content = derSequence(derInteger(0), derSetOf(input.cscas.map(certificateDer)));
  return signCms({
    eContentType: ID_ICAO_CSCA_MASTER_LIST,
    eContent: content,
    signer: input.signer,
    signingTime: input.signingTime,
  });
}
