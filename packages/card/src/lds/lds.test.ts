import { readFileSync } from 'node:fs';
import { AppError } from '@dinhdanh/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeInt, encodeOid, encodeTlv } from '../tlv/index.ts';
import { parseDg1, parseDg13, parseDg14, parseDg15, parseEfCom } from './lds.parser.ts';
import { checkDigit } from './mrz.ts';

const data = '/work/shared/data/emrtd';
const read = (file: string) => new Uint8Array(readFileSync(`${data}/${file}`));
const utf8 = (s: string) => encodeTlv(0x0c, new TextEncoder().encode(s));
const printable = (s: string) => encodeTlv(0x13, new TextEncoder().encode(s));

describe('DG1', () => {
  const vectors = JSON.parse(readFileSync(`${data}/icao9303-dg1/vectors.json`, 'utf8')) as {
    samples: { file: string; mrz: string; expected: Record<string, string | number> }[];
  };
  for (const sample of vectors.samples) {
    it(`parses ${sample.file}`, () => {
      const mrz = parseDg1(read(`icao9303-dg1/${sample.file}`));
      const e = sample.expected;
      expect(mrz.text).toBe(sample.mrz);
      expect(mrz.type).toBe(e.type);
      expect(mrz.checkDigits).toMatchObject({ documentNumber: true, dateOfBirth: true, dateOfExpiry: true });
      // The ICAO Part 10 A.2.1 sample prints composite digit 4; the digit over its fields is 8.
      expect(mrz.checkDigits.composite).toBe(e.type !== 'td1');
      expect(mrz.documentCode).toBe(e.document_code);
      expect(mrz.documentNumber).toBe(e.document_number);
      expect(mrz.issuingState).toBe(e.issuing_state);
      expect(mrz.nationality).toBe(e.nationality);
      expect(mrz.primaryIdentifier).toBe(e.primary_identifier);
      expect(mrz.secondaryIdentifier).toBe(e.secondary_identifier);
      expect(mrz.sex).toBe(e.sex);
      expect(mrz.dateOfBirth).toBe(e.date_of_birth);
      expect(mrz.dateOfExpiry).toBe(e.date_of_expiry);
      expect(mrz.optionalData1).toBe(e.optional_data_1 ?? e.optional_data);
      if (e.optional_data_2 !== undefined) expect(mrz.optionalData2).toBe(e.optional_data_2);
    });
  }

  it('parses a Vietnamese TD1 (document number = last 9 digits, optional data = ID number)', () => {
    const id = '001099012345';
    const doc = id.slice(3);
    const l1 = `IDVNM${doc}${checkDigit(doc)}${id}<<<`.padEnd(30, '<');
    const l2head = '9901018M3901016VNM'.padEnd(29, '<');
    const l2 = `${l2head}${checkDigit(l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29))}`;
    const l3 = 'NGUYEN<<VAN<AN'.padEnd(30, '<');
    const mrz = parseDg1(encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode(l1 + l2 + l3))));
    expect(mrz.valid).toBe(true);
    expect(mrz.documentNumber).toBe(doc);
    expect(mrz.idNumber).toBe(id);
    expect(mrz.primaryIdentifier).toBe('NGUYEN');
    expect(mrz.secondaryIdentifier).toBe('VAN AN');
  });

  it('flags a wrong check digit', () => {
    const bytes = read('icao9303-dg1/EF_DG1_td3_p4_appB.bin');
    const text = new TextDecoder().decode(bytes.subarray(5)).replace('L898902C36', 'L898902C37');
    const mrz = parseDg1(encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode(text))));
    expect(mrz.checkDigits.documentNumber).toBe(false);
    expect(mrz.valid).toBe(false);
  });
});

describe('DG13, DG14, DG15, EF.COM', () => {
  it('parses the Vietnamese DG13 by field number', () => {
    const field = (n: number, value: Uint8Array) => encodeTlv(0x30, [encodeInt(n), value]);
    const dg13 = encodeTlv(0x6d, [
      encodeTlv(0x30, [
        encodeInt(1),
        encodeOid('1.0.10646.1.0.8'),
        encodeTlv(0x31, [
          field(2, utf8('Nguyễn Văn An')),
          field(1, printable('001099012345')),
          field(4, utf8('Nam')),
          field(12, utf8('Không thời hạn')),
          encodeTlv(0x30, [
            encodeInt(13),
            encodeTlv(0x30, utf8('Nguyễn Văn Bố')),
            encodeTlv(0x30, utf8('Trần Thị Mẹ')),
          ]),
          encodeTlv(0x30, [encodeInt(14)]),
          field(16, printable('ABCDEF0123456789')),
        ]),
      ]),
    ]);
    const parsed = parseDg13(dg13);
    expect(parsed).toMatchObject({
      idNumber: '001099012345',
      fullName: 'Nguyễn Văn An',
      sex: 'Nam',
      expiryDate: 'Không thời hạn',
      father: 'Nguyễn Văn Bố',
      mother: 'Trần Thị Mẹ',
      field16: 'ABCDEF0123456789',
    });
    expect(parsed.spouse).toBeUndefined();
  });

  it('parses DG14 and DG15 of the BSI set, and an EF.COM', () => {
    const dg14 = parseDg14(read('bsi-tr03105/EF_DG14.bin'));
    expect(dg14.securityInfos.map((info) => info.oid)).toContain('0.4.0.127.0.7.2.2.2');
    const dg15 = parseDg15(read('bsi-tr03105/EF_DG15.bin'));
    expect(dg15.keyType).toBe('rsa');
    expect(dg15.key.asymmetricKeyDetails?.modulusLength).toBe(1024);
    const com = parseEfCom(
      encodeTlv(0x60, [
        encodeTlv(0x5f01, new TextEncoder().encode('0107')),
        encodeTlv(0x5f36, new TextEncoder().encode('040000')),
        encodeTlv(0x5c, Uint8Array.of(0x61, 0x75, 0x6d, 0x6f)),
      ]),
    );
    expect(com).toEqual({ ldsVersion: '0107', unicodeVersion: '040000', dataGroups: [1, 2, 13, 15] });
  });

  it('property: LDS parsers throw only catalogued errors on arbitrary bytes', () => {
    const parsers = [parseDg1, parseDg13, parseDg14, parseDg15, parseEfCom];
    const tags = [0x61, 0x6d, 0x6e, 0x6f, 0x60];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (i, body, wrap) => {
          const bytes = wrap ? encodeTlv(tags[i] as number, body) : body;
          try {
            (parsers[i] as (b: Uint8Array) => unknown)(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
