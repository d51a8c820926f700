import { createHash, verify } from 'node:crypto';
import { parse as parseMrzLibrary } from 'mrz';
import { describe, expect, it } from 'vitest';
import { createChipSimulator } from '../chip/chip-simulator.ts';
import { parseDg1, parseDg13, parseDg15, parseEfCom } from '../lds/lds.parser.ts';
import { formatCardQr, parseCardQr } from '../qr/card-qr.ts';
import { encodeDg2, faceRecord, placeholderJpeg } from './face-image.ts';
import { encodeDg1, encodeDg13, encodeDg15, encodeEfCom } from './lds.encoder.ts';
import { encodeTd1, mrzName, transliterate } from './mrz.encoder.ts';
import { cardExpiry } from './validity.ts';

describe('TD1 MRZ (DG1)', () => {
  const mrz = encodeTd1({
    idNumber: '001090012345',
    fullName: 'Nguyễn Thị Đào Hương',
    dateOfBirth: '1990-08-12',
    sex: 'female',
    expiryDate: '2030-08-12',
  });

  it('has correct ICAO check digits (checked by the independent mrz library)', () => {
    expect(mrz).toHaveLength(90);
    const lines = [mrz.slice(0, 30), mrz.slice(30, 60), mrz.slice(60)];
    expect(lines).toEqual([
      'IDVNM0900123450001090012345<<<',
      '9008124F3008122VNM<<<<<<<<<<<3',
      'NGUYEN<<THI<DAO<HUONG<<<<<<<<<',
    ]);
    const parsed = parseMrzLibrary(lines);
    expect(parsed.details.filter((d) => !d.valid).map((d) => d.field)).toEqual([]);
    expect(parsed.valid).toBe(true);
  });

  it('round-trips through the DG1 parser with the 12-digit ID number in the optional data', () => {
    const dg1 = parseDg1(encodeDg1(mrz));
    expect(dg1.valid).toBe(true);
    expect(dg1.documentNumber).toBe('090012345');
    expect(dg1.idNumber).toBe('001090012345');
    expect(dg1.primaryIdentifier).toBe('NGUYEN');
  });

  it('matches the ICAO 9303-3 check digit example (the TD1 specimen line 2)', () => {
    // ICAO 9303-5 Appendix A: 7408122F1204159UTO<<<<<<<<<<<6 — the date check digits 2 and 9.
    expect(
      encodeTd1({
        idNumber: '000000000000',
        fullName: 'A B',
        dateOfBirth: '1974-08-12',
        sex: 'female',
        expiryDate: '2012-04-15',
      }).slice(30, 45),
    ).toBe('7408122F1204159');
  });

  it('transliterates Vietnamese names to A–Z with << between surname and given names', () => {
    expect(transliterate('Đặng Quốc Việt')).toBe('DANG<QUOC<VIET');
    expect(mrzName('Trần Văn Ánh')).toBe('TRAN<<VAN<ANH'.padEnd(30, '<'));
    expect(mrzName('Công Tôn Nữ Thị Hoàng Oanh Ngọc Bích Thuỷ Tiên')).toHaveLength(30);
  });

  it('writes <<<<<< with check digit 0 for a card without expiry', () => {
    const none = encodeTd1({
      idNumber: '001050012345',
      fullName: 'Lê Văn Tám',
      dateOfBirth: '1950-01-01',
      sex: 'male',
      expiryDate: null,
    });
    expect(none.slice(38, 45)).toBe('<<<<<<0');
  });
});

describe('DG13 (Vietnamese data)', () => {
  it('numbers each field as DOMAIN.md lays it out and omits absent ones', () => {
    const dg13 = parseDg13(
      encodeDg13({
        idNumber: '001090012345',
        fullName: 'Nguyễn Thị Hương',
        dateOfBirth: '12/08/1990',
        sex: 'Nữ',
        nationality: 'Việt Nam',
        ethnicity: 'Kinh',
        religion: undefined,
        placeOfOrigin: 'Xã Đông Hội, Hà Nội',
        permanentResidence: 'Số 1, Phường Ba Đình, Hà Nội',
        issueDate: '01/03/2026',
        expiryDate: 'Không thời hạn',
        father: 'Nguyễn Văn An',
        mother: 'Trần Thị Bình',
        oldIdNumber: '012345678',
      }),
    );
    expect(dg13).toMatchObject({
      idNumber: '001090012345',
      fullName: 'Nguyễn Thị Hương',
      dateOfBirth: '12/08/1990',
      sex: 'Nữ',
      nationality: 'Việt Nam',
      ethnicity: 'Kinh',
      placeOfOrigin: 'Xã Đông Hội, Hà Nội',
      permanentResidence: 'Số 1, Phường Ba Đình, Hà Nội',
      issueDate: '01/03/2026',
      expiryDate: 'Không thời hạn',
      father: 'Nguyễn Văn An',
      mother: 'Trần Thị Bình',
      oldIdNumber: '012345678',
    });
    expect(dg13.religion).toBeUndefined();
    expect(dg13.spouse).toBeUndefined();
  });
});

describe('EF.COM, DG2, DG15 and the chip simulator', () => {
  it('lists the data groups present', () => {
    expect(parseEfCom(encodeEfCom([1, 2, 13, 15])).dataGroups).toEqual([1, 2, 13, 15]);
  });

  it('wraps an ISO 19794-5 face record around a JPEG in the ICAO biometric template', () => {
    const jpeg = placeholderJpeg();
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...jpeg.subarray(-2)]).toEqual([0xff, 0xd9]);
    const dg2 = encodeDg2(faceRecord(jpeg, { sex: 'male', width: 240, height: 320 }));
    expect(dg2[0]).toBe(0x75);
    const hex = Buffer.from(dg2).toString('hex');
    expect(hex).toContain('7f61');
    expect(hex).toContain('5f2e');
    expect(hex).toContain(Buffer.from('FAC\u0000010\u0000').toString('hex'));
  });

  it('signs a nonce with the DG15 key as plain r||s', () => {
    const chip = createChipSimulator();
    const dg15 = parseDg15(encodeDg15(chip.publicKey));
    const nonce = Uint8Array.from(createHash('sha256').update('nonce').digest().subarray(0, 8));
    const signature = chip.internalAuthenticate(nonce);
    expect(signature).toHaveLength(64);
    expect(verify('sha256', nonce, { key: chip.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    expect(dg15).toBeDefined();
  });
});

describe('card QR', () => {
  it('round-trips with diacritics and accepts extra empty fields', () => {
    const qr = {
      idNumber: '001090012345',
      oldIdNumber: '012345678',
      fullName: 'Nguyễn Thị Hương',
      dateOfBirth: '1990-08-12',
      sex: 'female' as const,
      permanentAddress: 'Số 1 Phố Điện Biên Phủ, Phường Ba Đình, Thành phố Hà Nội',
      issueDate: '2026-03-01',
    };
    const text = formatCardQr(qr);
    expect(text).toBe(
      '001090012345|012345678|Nguyễn Thị Hương|12081990|Nữ|Số 1 Phố Điện Biên Phủ, Phường Ba Đình, Thành phố Hà Nội|01032026',
    );
    expect(parseCardQr(text)).toEqual(qr);
    expect(parseCardQr(`${text.normalize('NFD')}||`)).toEqual(qr);
    expect(parseCardQr('001090012345||Lê Văn Tám|01011950|Nam|Hà Nội|01032026').oldIdNumber).toBeNull();
  });

  it.each([
    ['001090012345|x|y', 'too_few_fields'],
    ['00109001234|||12081990|Nam|a|01032026', 'id_number_invalid'],
    ['001090012345|12|A|12081990|Nam|a|01032026', 'old_id_number_invalid'],
    ['001090012345||A|31021990|Nam|a|01032026', 'date_of_birth_invalid'],
    ['001090012345||A|12081990|Male|a|01032026', 'sex_invalid'],
    ['001090012345||A|12081990|Nam|a|2026-03-01', 'issue_date_invalid'],
  ])('refuses %s with %s', (text, reason) => {
    expect(() => parseCardQr(text)).toThrow(
      expect.objectContaining({ code: 'ERR_CARD_QR_MALFORMED', extra: { reason } }),
    );
  });
});

describe('validity (renewal at 14, 25, 40, 60; the 2-year rule; no expiry after 60)', () => {
  const dob = '2000-06-15';
  it.each([
    ['2014-06-15', '2025-06-15'], // issued on the 14th birthday: valid to 25
    ['2012-06-14', '2014-06-15'], // 2 years and a day before 14: renew at 14
    ['2012-06-15', '2025-06-15'], // exactly 2 years before 14: valid to 25
    ['2023-06-14', '2025-06-15'], // 2 years and a day before 25
    ['2023-06-15', '2040-06-15'], // within 2 years before 25: valid to 40
    ['2025-06-15', '2040-06-15'], // on the 25th birthday
    ['2038-06-15', '2060-06-15'], // within 2 years before 40: valid to 60
    ['2058-06-14', '2060-06-15'], // just outside 2 years before 60
    ['2058-06-15', null], // within 2 years before 60: no expiry
    ['2060-06-15', null], // at 60
    ['2075-01-01', null],
  ])('a card issued on %s expires on %s', (issued, expiry) => {
    expect(cardExpiry(dob, issued)).toBe(expiry);
  });
  it('puts 29 February birthdays on 28 February in common years', () => {
    expect(cardExpiry('2004-02-29', '2020-01-01')).toBe('2029-02-28');
  });
});
