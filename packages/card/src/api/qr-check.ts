import { foldVietnamese } from '@dinhdanh/kernel';
import { findPerson, type RegistryContext } from '@dinhdanh/registry';
import { type CardQr, parseCardQr } from '../qr/card-qr.ts';

export type QrFieldResult = 'match' | 'mismatch' | 'not_in_registry';

export interface QrCheck {
  /** What the printed QR says. Unsigned: anyone can print one, so none of it is verified by itself. */
  qr: CardQr;
  /** True only when the person exists, is alive, and every field agrees with the registry. */
  verified: boolean;
  personFound: boolean;
  deceased: boolean;
  fields: Record<
    'oldIdNumber' | 'fullName' | 'dateOfBirth' | 'sex' | 'permanentAddress' | 'issueDate',
    QrFieldResult
  >;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  foldVietnamese(a ?? '') === foldVietnamese(b ?? '');

/**
 * Checks the printed card QR against the registry. The QR carries no signature, so each field
 * is reported as matching the registry or not, and the whole is "verified" only when all match
 * for a living person with a card of that issue date.
 */
export async function checkCardQr(ctx: RegistryContext, text: string): Promise<QrCheck> {
  const qr = parseCardQr(text);
  const person = await findPerson(ctx, qr.idNumber);
  if (!person) {
    const none = 'not_in_registry' as const;
    return {
      qr,
      verified: false,
      personFound: false,
      deceased: false,
      fields: {
        oldIdNumber: none,
        fullName: none,
        dateOfBirth: none,
        sex: none,
        permanentAddress: none,
        issueDate: none,
      },
    };
  }
  const result = (ok: boolean): QrFieldResult => (ok ? 'match' : 'mismatch');
  const cards = person.cards as Array<{ issueDate?: string }>;
  const fields: QrCheck['fields'] = {
    oldIdNumber: result((qr.oldIdNumber ?? null) === (person.oldIdNumber ?? null) || qr.oldIdNumber === null),
    fullName: result(same(qr.fullName, person.fullName)),
    dateOfBirth: result(qr.dateOfBirth === person.dateOfBirth),
    sex: result(qr.sex === person.sex),
    // The printed address is free text; it must contain the registry's house-level detail and commune.
    permanentAddress: result(
      !!person.permanentAddress &&
        foldVietnamese(qr.permanentAddress).includes(foldVietnamese(person.permanentAddress.detail)) &&
        (!person.permanentAddress.communeName ||
          foldVietnamese(qr.permanentAddress).includes(foldVietnamese(person.permanentAddress.communeName))),
    ),
    issueDate: result(cards.some((card) => card.issueDate === qr.issueDate)),
  };
  const deceased = person.dateOfDeath !== null;
  return {
    qr,
    verified: !deceased && Object.values(fields).every((field) => field === 'match'),
    personFound: true,
    deceased,
    fields,
  };
}
