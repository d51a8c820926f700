import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { i18n } from '../i18n/i18n.ts';
import { describeFieldChange, describeValue } from './change-value.ts';
import type { RecordsT } from './records/records-i18n.ts';
import './records/records-i18n.ts';

// The officer's change history in words: what a value was and became, never a code, a hash or a key.

const fixedT = i18n.getFixedT as unknown as (language: string, namespace?: string) => unknown;
const translators = (language: 'vi' | 'en') => ({
  t: fixedT(language) as TFunction,
  rt: fixedT(language, 'records') as RecordsT,
});
const { t, rt } = translators('vi');
const change = (field: string, after: unknown, previous: Record<string, unknown> | null = null) =>
  describeFieldChange(t, rt, field, after, previous);

describe('history wording', () => {
  it('shows an empty first value as empty, and only a recorded value replaced by nothing as removed', () => {
    expect(change('oldIdNumber', null)).toEqual({ after: '—' });
    expect(change('otherNames', [])).toEqual({ after: '—' });
    expect(change('phone', null, { phone: '0912345678' })).toEqual({ before: '0912345678', after: 'Đã xoá' });
    expect(change('phone', null, { phone: null })).toEqual({ before: '—', after: '—' });
  });

  it('describes biometric references, never their hashes or image keys', () => {
    const face = { templateHash: 'f'.repeat(64), imageKey: 'portraits/001.jpg' };
    const fingerprints = { templateHash: 'a'.repeat(64), enrolledAt: '2024-05-01' };
    expect(change('biometrics', { face, fingerprints })).toEqual({
      after: 'Đã ghi nhận ảnh chân dung; Đã ghi nhận vân tay',
    });
    expect(
      change(
        'biometrics',
        { face: { ...face, templateHash: 'b'.repeat(64) }, fingerprints },
        { biometrics: { face, fingerprints } },
      ),
    ).toEqual({ after: 'Ảnh chân dung đã cập nhật' });
    expect(change('biometrics', {}, { biometrics: { face } })).toEqual({ after: 'Ảnh chân dung đã xoá' });
    expect(change('biometrics', {})).toEqual({ after: 'Không có dữ liệu sinh trắc học' });
  });

  it('describes cards by number, date and status, without signer serials', () => {
    const card = {
      cardNumber: '001090000001',
      issueDate: '2024-03-02',
      status: 'replaced',
      documentSignerSerial: 'DEADBEEF',
      sodHash: 'c'.repeat(64),
    };
    const text = describeValue(t, rt, 'cards', [
      card,
      { ...card, status: 'active', issueDate: '2025-01-09' },
    ]);
    expect(text).toBe(
      'Thẻ số 001090000001, cấp ngày 02/03/2024: Đã thay thế; Thẻ số 001090000001, cấp ngày 09/01/2025: Còn hiệu lực',
    );
  });

  it('names addresses by their units, dates as dd/mm/yyyy, codes as words', () => {
    const address = { communeCode: '00004', detail: 'Số 3', text: 'Số 3, Phường Ba Đình, Thành phố Hà Nội' };
    expect(change('permanentAddress', address)).toEqual({ after: 'Số 3, Phường Ba Đình, Thành phố Hà Nội' });
    expect(change('dateOfDeath', '2026-11-20', { dateOfDeath: null })).toEqual({
      before: '—',
      after: '20/11/2026',
    });
    expect(change('maritalStatus', 'widowed', { maritalStatus: 'married' })).toEqual({
      before: 'Đã kết hôn',
      after: 'Góa',
    });
    expect(
      describeValue(t, rt, 'relatives', {
        father: { fullName: 'John Smith', idNumber: null, nationality: 'Anh' },
      }),
    ).toBe('Cha: John Smith (Quốc tịch: Anh)');
    // A shape this console does not know says that it changed, not what its keys are.
    expect(describeValue(t, rt, 'somethingNew', { opaqueKey: 'x1' })).toBe('Đã cập nhật');
  });

  it('follows the chosen language', () => {
    const english = translators('en');
    expect(
      describeFieldChange(english.t, english.rt, 'biometrics', { face: { templateHash: 'f' } }, null),
    ).toEqual({
      after: 'Portrait recorded',
    });
    expect(describeFieldChange(english.t, english.rt, 'sex', 'female', { sex: 'male' })).toEqual({
      before: 'Male',
      after: 'Female',
    });
  });
});
