import { ACR_LEVEL2 } from '@dinhdanh/oidc';
import { describe, expect, it } from 'vitest';
import { receivedClaims, vietnameseDate, vietnameseDateTime } from './demo-rp-claims.ts';

describe('the demo relying party shows the claims as a person reads them', () => {
  it('labels every claim in Vietnamese and English, formats dates, the address, the level and the methods', () => {
    const shown = receivedClaims({
      sub: 'pairwise-1',
      amr: ['pwd', 'sms'],
      acr: ACR_LEVEL2,
      address: {
        formatted: 'Số 12 phố Quán Thánh, Phường Ba Đình, Thành phố Hà Nội',
        locality: 'Phường Ba Đình',
        region: 'Thành phố Hà Nội',
        country: 'VN',
      },
      name: 'Nguyễn Thị Bình',
      birthdate: '1990-05-17',
      gender: 'female',
      id_number: '001190000001',
      phone_number: '0912000001',
      verified_claims: { verification: { time: '2025-03-01T01:30:00.000Z' }, claims: {} },
    });
    expect(shown.map((row) => row.claim)).toEqual([
      'name',
      'birthdate',
      'gender',
      'id_number',
      'address',
      'phone_number',
      'verified_claims',
      'acr',
      'amr',
      'sub',
    ]);
    const by = Object.fromEntries(shown.map((row) => [row.claim, row]));
    expect(by.name?.label).toEqual({ vi: 'Họ, chữ đệm và tên', en: 'Full name' });
    expect(by.birthdate?.value).toEqual({ vi: '17/05/1990' });
    expect(by.gender?.value).toEqual({ vi: 'Nữ', en: 'female' });
    expect(by.address?.value.vi).toBe('Số 12 phố Quán Thánh, Phường Ba Đình, Thành phố Hà Nội');
    expect(by.acr?.value).toEqual({ vi: 'Mức 2', en: 'level 2' });
    expect(by.amr?.value).toEqual({ vi: 'mật khẩu + mã SMS', en: 'password + SMS code' });
    // 01:30 UTC is 08:30 in Hà Nội.
    expect(by.verified_claims?.value.vi).toBe('Đã xác minh trực tiếp bằng thẻ căn cước lúc 01/03/2025 08:30');
    for (const row of shown) {
      expect(row.label.vi).not.toBe(row.claim);
      expect(row.value.vi).not.toMatch(/^[[{]/);
    }
  });

  it('keeps unknown claims and methods readable rather than hiding them', () => {
    const [amr, locale] = receivedClaims({ locale: 'vi', amr: ['pwd', 'retina'] }).sort((a, b) =>
      a.claim.localeCompare(b.claim),
    );
    expect(locale).toMatchObject({ claim: 'locale', value: { vi: 'vi' } });
    expect(amr?.value.vi).toBe('["pwd","retina"]');
    expect(vietnameseDate('not a date')).toBe('not a date');
    expect(vietnameseDateTime('nonsense')).toBe('nonsense');
  });
});
