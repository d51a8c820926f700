import { describe, expect, it } from 'vitest';
import { splitBilingual } from './access-log.presenter.ts';

describe('splitBilingual', () => {
  it('splits the platform\'s "tiếng Việt / English" texts, capitalising the English', () => {
    expect(splitBilingual('Tra cứu nghiệp vụ / official lookup')).toEqual({
      vi: 'Tra cứu nghiệp vụ',
      en: 'Official lookup',
    });
    expect(splitBilingual('Tạo tài khoản định danh điện tử mức 1 / level-1 eID account created')).toEqual({
      vi: 'Tạo tài khoản định danh điện tử mức 1',
      en: 'Level-1 eID account created',
    });
    expect(
      splitBilingual(
        'Người giám hộ tạo tài khoản định danh điện tử cho người phụ thuộc / a guardian opened a dependent’s eID account',
      ).en,
    ).toBe('A guardian opened a dependent’s eID account');
  });

  it('keeps a trailing " — name" in both languages', () => {
    expect(
      splitBilingual('Xác thực thẻ căn cước gắn chip / chip ID card verification — Ngân hàng Thử nghiệm'),
    ).toEqual({
      vi: 'Xác thực thẻ căn cước gắn chip — Ngân hàng Thử nghiệm',
      en: 'Chip ID card verification — Ngân hàng Thử nghiệm',
    });
  });

  it('splits inside parentheses', () => {
    expect(splitBilingual('Luật Căn cước 26/2023/QH15 (quản trị hệ thống / system administration)')).toEqual({
      vi: 'Luật Căn cước 26/2023/QH15 (quản trị hệ thống)',
      en: 'Luật Căn cước 26/2023/QH15 (system administration)',
    });
  });

  it('leaves a slash inside Vietnamese, law numbers and single-language texts alone', () => {
    for (const text of [
      'Đăng nhập / xác thực cho Cổng Dịch vụ công',
      'Luật Căn cước 26/2023/QH15; Nghị định 70/2024/NĐ-CP',
      'Đăng ký mã số thuế (tax.registration)',
      'residence application / renewal',
    ])
      expect(splitBilingual(text)).toEqual({ vi: text, en: text });
  });
});
