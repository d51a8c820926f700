import { createPublicKey, type KeyObject } from 'node:crypto';
import { dgTags } from '../lds/lds-common.ts';
import { derInteger, derOid, derPrintable, derSequence, derSetOf, derUtf8, encodeTlv } from './der.ts';

/** EF.COM (tag 60): LDS 1.7, Unicode 4.0.0, and the tags of the data groups present. */
export function encodeEfCom(dataGroups: readonly number[]): Uint8Array {
  const ascii = (text: string) => new TextEncoder().encode(text);
  return encodeTlv(0x60, [
    encodeTlv(0x5f01, ascii('0107')),
    encodeTlv(0x5f36, ascii('040000')),
    encodeTlv(0x5c, Uint8Array.from(dataGroups.map((dg) => dgTags[dg] as number))),
  ]);
}

/** DG1 (tag 61): the MRZ under 5F1F. */
export function encodeDg1(mrz: string): Uint8Array {
  return encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode(mrz)));
}

/** DG15 (tag 6F): the chip's Active Authentication public key as a SubjectPublicKeyInfo. */
export function encodeDg15(publicKey: KeyObject): Uint8Array {
  const key = publicKey.type === 'public' ? publicKey : createPublicKey(publicKey);
  return encodeTlv(0x6f, new Uint8Array(key.export({ type: 'spki', format: 'der' })));
}

/** DG13's values, already formatted as printed (dates `dd/mm/yyyy`, sex `Nam`/`Nữ`). */
export interface Dg13Fields {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  sex: 'Nam' | 'Nữ';
  nationality?: string | undefined;
  ethnicity?: string | undefined;
  religion?: string | undefined;
  placeOfOrigin?: string | undefined;
  permanentResidence?: string | undefined;
  identifyingMarks?: string | undefined;
  issueDate: string;
  /** `dd/mm/yyyy` or `Không thời hạn`. */
  expiryDate: string;
  father?: string | undefined;
  mother?: string | undefined;
  spouse?: string | undefined;
  oldIdNumber?: string | undefined;
}

/** The UCS OID that heads the Vietnamese DG13 (DOMAIN.md). */
const DG13_OID = '1.0.10646.1.0.8';

/**
 * DG13 (tag 6D), the Vietnamese layout: `SEQUENCE { INTEGER 1, OID, SET OF SEQUENCE { INTEGER n,
 * value } }`; absent fields are omitted, readers match by `n`. The SET OF is in DER order, which
 * differs from numeric order — readers must not rely on position.
 */
export function encodeDg13(fields: Dg13Fields): Uint8Array {
  const entry = (n: number, value: Uint8Array) => derSequence(derInteger(n), value);
  const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
  const entries: Uint8Array[] = [];
  const utf8 = [
    [2, fields.fullName],
    [4, fields.sex],
    [5, fields.nationality],
    [6, fields.ethnicity],
    [7, fields.religion],
    [8, fields.placeOfOrigin],
    [9, fields.permanentResidence],
    [10, fields.identifyingMarks],
    [12, fields.expiryDate],
  ] as const;
  const printable = [
    [1, fields.idNumber],
    [3, fields.dateOfBirth],
    [11, fields.issueDate],
    [15, fields.oldIdNumber],
  ] as const;
  for (const [n, value] of utf8) if (present(value)) entries.push(entry(n, derUtf8(value)));
  for (const [n, value] of printable) if (present(value)) entries.push(entry(n, derPrintable(value)));
  if (present(fields.father) || present(fields.mother))
    entries.push(
      derSequence(
        derInteger(13),
        derSequence(derUtf8(fields.father ?? '')),
        derSequence(derUtf8(fields.mother ?? '')),
      ),
    );
  entries.push(
    present(fields.spouse)
      ? derSequence(derInteger(14), derSequence(derUtf8(fields.spouse)))
      : derSequence(derInteger(14)),
  );
  return encodeTlv(0x6d, derSequence(derInteger(1), derOid(DG13_OID), derSetOf(entries)));
}
