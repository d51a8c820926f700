import type { KeyObject } from 'node:crypto';
import { children, decodeSingle, derTag, oidOf, smallInt, type Tlv } from '../tlv/index.ts';
import { publicKeyFromSpki } from '../verify/crypto.ts';
import { dgTags, guard, ldsError, openLdsFile } from './lds-common.ts';
import { type Mrz, parseMrz } from './mrz.ts';

/** EF.COM: LDS and Unicode versions and the data groups the chip says it holds. */
export interface EfCom {
  ldsVersion: string;
  unicodeVersion: string;
  dataGroups: number[];
}

export function parseEfCom(bytes: Uint8Array): EfCom {
  const outer = openLdsFile(bytes, 0x60, 'ef_com');
  return guard('ef_com', () => {
    const parts = children(outer.value);
    const text = (tag: number) => new TextDecoder('latin1').decode(parts.find((p) => p.tag === tag)?.value);
    const list = parts.find((p) => p.tag === 0x5c);
    if (!list) throw ldsError('ef_com', 'tag list 5C missing');
    const byTag = new Map(Object.entries(dgTags).map(([dg, tag]) => [tag, Number(dg)]));
    const dataGroups = [...list.value].map((tag) => byTag.get(tag)).filter((dg) => dg !== undefined);
    return { ldsVersion: text(0x5f01), unicodeVersion: text(0x5f36), dataGroups };
  });
}

export function parseDg1(bytes: Uint8Array): Mrz {
  const outer = openLdsFile(bytes, 0x61, 'dg1');
  return guard('dg1', () => {
    const mrz = children(outer.value).find((p) => p.tag === 0x5f1f);
    if (!mrz) throw ldsError('dg1', 'MRZ tag 5F1F missing');
    return parseMrz(new TextDecoder('latin1').decode(mrz.value));
  });
}

/** DG13 (Vietnamese layout, DOMAIN.md): fields matched by number, absent fields omitted. */
export interface Dg13 {
  idNumber?: string;
  fullName?: string;
  dateOfBirth?: string;
  sex?: string;
  nationality?: string;
  ethnicity?: string;
  religion?: string;
  placeOfOrigin?: string;
  permanentResidence?: string;
  identifyingMarks?: string;
  issueDate?: string;
  expiryDate?: string;
  father?: string;
  mother?: string;
  spouse?: string;
  oldIdNumber?: string;
  field16?: string;
  /** Fields with numbers outside 1–16, kept as text. */
  other: Record<number, string>;
}

const dg13Fields: Record<number, keyof Omit<Dg13, 'other' | 'father' | 'mother' | 'spouse'>> = {
  1: 'idNumber',
  2: 'fullName',
  3: 'dateOfBirth',
  4: 'sex',
  5: 'nationality',
  6: 'ethnicity',
  7: 'religion',
  8: 'placeOfOrigin',
  9: 'permanentResidence',
  10: 'identifyingMarks',
  11: 'issueDate',
  12: 'expiryDate',
  15: 'oldIdNumber',
  16: 'field16',
};

const stringTags = new Set<number>([derTag.utf8String, derTag.printableString, derTag.ia5String, 0x14, 0x1a]);

function text(tlv: Tlv | undefined): string | undefined {
  if (!tlv) return undefined;
  if (stringTags.has(tlv.tag)) return new TextDecoder().decode(tlv.value);
  // father/mother/spouse wrap their string in a SEQUENCE
  if (tlv.tag === derTag.sequence) return text(children(tlv.value)[0]);
  return undefined;
}

export function parseDg13(bytes: Uint8Array): Dg13 {
  const outer = openLdsFile(bytes, 0x6d, 'dg13');
  return guard('dg13', () => {
    const dg13: Dg13 = { other: {} };
    // Collect every SEQUENCE that starts with an INTEGER field number, whatever SET/SEQUENCE wraps it:
    // the header (INTEGER 1, OID) is skipped by requiring a constructed field.
    const pending: Tlv[] = [...children(outer.value)];
    let visited = 0;
    while (pending.length > 0) {
      if (++visited > 10_000) throw ldsError('dg13', 'too many elements');
      const node = pending.shift() as Tlv;
      if (!node.constructed) continue;
      const parts = children(node.value);
      const [first, ...rest] = parts;
      if (first?.tag === derTag.integer && node.tag === derTag.sequence && rest[0]?.tag !== derTag.oid) {
        const n = smallInt(first);
        const name = dg13Fields[n];
        if (name) {
          const value = text(rest[0]);
          if (value !== undefined) dg13[name] = value;
        } else if (n === 13) {
          const father = text(rest[0]);
          const mother = text(rest[1]);
          if (father) dg13.father = father;
          if (mother) dg13.mother = mother;
        } else if (n === 14) {
          const spouse = text(rest[0]);
          if (spouse) dg13.spouse = spouse;
        } else {
          const value = text(rest[0]);
          if (value !== undefined) dg13.other[n] = value;
        }
      } else pending.push(...parts);
    }
    return dg13;
  });
}

/** DG15: the chip's Active Authentication public key. */
export interface Dg15 {
  spki: Uint8Array;
  key: KeyObject;
  keyType: 'rsa' | 'ec';
}

export function parseDg15(bytes: Uint8Array): Dg15 {
  const outer = openLdsFile(bytes, 0x6f, 'dg15');
  return guard('dg15', () => {
    const spki = decodeSingle(outer.value).raw;
    const key = publicKeyFromSpki(spki);
    const type = key.asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec') throw ldsError('dg15', `key type ${type}`);
    return { spki, key, keyType: type };
  });
}

/** DG14: the SecurityInfos, listed by OID (kept raw; chip/terminal authentication is out of scope). */
export interface Dg14 {
  securityInfos: { oid: string; raw: Uint8Array }[];
  /** From ActiveAuthenticationInfo (2.23.136.1.1.5): the ECDSA signature algorithm OID for AA. */
  aaSignatureAlgorithm: string | undefined;
}

export function parseDg14(bytes: Uint8Array): Dg14 {
  const outer = openLdsFile(bytes, 0x6e, 'dg14');
  return guard('dg14', () => {
    const set = decodeSingle(outer.value);
    if (set.tag !== derTag.set) throw ldsError('dg14', 'SecurityInfos is not a SET');
    let aaSignatureAlgorithm: string | undefined;
    const securityInfos = children(set.value).map((info) => {
      const parts = children(info.value);
      const oid = parts[0] ? oidOf(parts[0]) : '';
      if (oid === '2.23.136.1.1.5' && parts[2]?.tag === derTag.oid) aaSignatureAlgorithm = oidOf(parts[2]);
      return { oid, raw: info.raw };
    });
    return { securityInfos, aaSignatureAlgorithm };
  });
}
