import { describe, expect, it } from 'vitest';
import type { DocumentKind } from '../agency/agency.schema.ts';
import { validateDocument } from './document.schema.ts';
import { checkNumber, taxCodeCheckDigit } from './document-kinds.ts';

const holder = '087084000999';
const today = '2026-11-23';

const valid: Record<DocumentKind, Record<string, unknown>> = {
  socialInsuranceNumber: { number: '0123456789' },
  healthInsuranceCard: {
    number: 'DN4 79 0123456789',
    validFrom: '2026-01-01',
    validUntil: '2026-12-31',
    data: { primaryCareFacility: { code: '79024', name: 'Bệnh viện Quận 1' } },
  },
  taxCode: { number: '0100233488', data: { taxOffice: 'Chi cục Thuế khu vực I' } },
  drivingLicence: {
    number: '790123456789',
    issuedOn: '2020-05-04',
    data: {
      classes: [
        { class: 'A1', validFrom: '2020-05-04', validUntil: null },
        { class: 'B2', validFrom: '2020-05-04', validUntil: '2030-05-04' },
      ],
    },
  },
  vehicleRegistration: {
    number: '012345',
    issuedOn: '2023-09-01',
    data: {
      plate: '59-X1 123.45',
      make: 'Honda',
      model: 'Vision',
      chassisNumber: 'RLHJF5800PY123456',
      engineNumber: 'JF58E-1234567',
    },
  },
  vaccination: {
    number: 'TC-2021-000123',
    data: {
      vaccine: 'Comirnaty',
      disease: 'COVID-19',
      doseNumber: 2,
      administeredOn: '2021-09-15',
      lot: 'FF2593',
      place: 'Trạm Y tế phường Bến Nghé',
    },
  },
  criminalRecordCertificate: {
    number: '123/2025/lltp',
    issuedOn: '2025-06-10',
    data: { certificateType: 1, hasConvictions: false },
  },
};

const invalid: Record<DocumentKind, [Record<string, unknown>, string][]> = {
  socialInsuranceNumber: [
    [{ number: '12345' }, 'number'],
    // A 12-digit number is the holder's own ID number, never someone else's.
    [{ number: '001099000111' }, 'number'],
    [{ number: '0123456789', data: { extra: 1 } }, 'data'],
  ],
  healthInsuranceCard: [
    [{ number: 'DN679' + '0123456789' }, 'number'], // benefit level 6
    [{ number: 'D14790123456789' }, 'number'],
    [
      { number: 'DN4790123456789', data: { primaryCareFacility: { code: '7902', name: 'X' } } },
      'data.primaryCareFacility.code',
    ],
  ],
  taxCode: [
    [{ number: '0100233480' }, 'number'], // wrong check digit
    [{ number: '0100233488-000' }, 'number'],
    [{ number: '01002334' }, 'number'],
  ],
  drivingLicence: [
    [{ number: '79012345678', data: { classes: [{ class: 'B', validUntil: null }] } }, 'number'],
    [{ number: '790123456789', data: { classes: [] } }, 'data.classes'],
    [
      { number: '790123456789', data: { classes: [{ class: 'Z9', validUntil: null }] } },
      'data.classes.0.class',
    ],
    [
      {
        number: '790123456789',
        data: {
          classes: [
            { class: 'B', validUntil: null },
            { class: 'B', validUntil: null },
          ],
        },
      },
      'data.classes',
    ],
  ],
  vehicleRegistration: [
    [
      {
        number: '012345',
        data: {
          plate: 'ABC',
          make: 'Honda',
          model: 'Vision',
          chassisNumber: 'RLHJF5800PY123456',
          engineNumber: 'JF58E1',
        },
      },
      'data.plate',
    ],
    [
      {
        number: '012345',
        data: {
          plate: '30A12345',
          make: 'Kia',
          model: 'Morning',
          chassisNumber: 'IOQJF5800PY123456',
          engineNumber: 'G4LA1',
        },
      },
      'data.chassisNumber',
    ],
    [{ number: '012345', data: { plate: '30A12345' } }, 'data.make'],
  ],
  vaccination: [
    [{ number: 'TC 1', data: valid.vaccination.data }, 'number'],
    [{ number: 'TC-1', data: { ...(valid.vaccination.data as object), doseNumber: 0 } }, 'data.doseNumber'],
    [
      { number: 'TC-1', data: { ...(valid.vaccination.data as object), administeredOn: '2027-01-01' } },
      'data.administeredOn',
    ],
  ],
  criminalRecordCertificate: [
    [
      { number: '123/2025/LLTP', data: { certificateType: 3, hasConvictions: false } },
      'data.certificateType',
    ],
    [{ number: '123 2025 LLTP#', data: { certificateType: 1, hasConvictions: false } }, 'number'],
  ],
};

describe('document kinds', () => {
  for (const [kind, document] of Object.entries(valid) as [DocumentKind, Record<string, unknown>][]) {
    it(`accepts a valid ${kind}`, () => {
      const result = validateDocument({ kind, idNumber: holder, ...document }, today);
      expect(result).toMatchObject({ ok: true, document: { kind, idNumber: holder } });
    });
    for (const [change, path] of invalid[kind])
      it(`rejects a ${kind} with a bad ${path} (${JSON.stringify(change).slice(0, 60)})`, () => {
        const result = validateDocument({ kind, idNumber: holder, ...change }, today);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((error) => error.path)).toContain(path);
      });
  }

  it('stores numbers in one form', () => {
    const number = (kind: DocumentKind, raw: string) => checkNumber(kind, raw, holder);
    expect(number('healthInsuranceCard', 'dn4 79 0123456789')).toEqual({ number: 'DN4790123456789' });
    expect(number('taxCode', '0314409058002')).toEqual({ number: '0314409058-002' });
    expect(number('taxCode', '0100.233.488')).toEqual({ number: '0100233488' });
    expect(number('taxCode', holder)).toEqual({ number: holder });
    expect(number('socialInsuranceNumber', holder)).toEqual({ number: holder });
    expect(number('criminalRecordCertificate', '123/2025/lltp')).toEqual({ number: '123/2025/LLTP' });
    const plate = validateDocument(
      { kind: 'vehicleRegistration', idNumber: holder, ...valid.vehicleRegistration },
      today,
    );
    expect(plate.ok && plate.document.data.plate).toBe('59X112345');
  });

  it('computes the tax-code check digit and can be told not to', () => {
    expect(taxCodeCheckDigit('010023348')).toBe('8');
    expect(taxCodeCheckDigit('031440905')).toBe('8');
    expect(
      checkNumber('taxCode', '0100233480', holder, {
        taxCodeCheckDigit: false,
        healthInsuranceObjectCodes: null,
      }),
    ).toEqual({
      number: '0100233480',
    });
    expect(
      checkNumber('healthInsuranceCard', 'ZZ4790123456789', holder, {
        taxCodeCheckDigit: true,
        healthInsuranceObjectCodes: ['DN'],
      }),
    ).toHaveProperty('error');
  });

  it('rejects envelopes that cannot hold: unknown kind, dates out of order or in the future', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'passport', idNumber: holder, number: 'B1234567' }, 'kind'],
      [{ ...valid.taxCode, kind: 'taxCode', idNumber: '12345' }, 'idNumber'],
      [{ ...valid.taxCode, kind: 'taxCode', idNumber: holder, issuedOn: '2027-01-01' }, 'issuedOn'],
      [
        {
          ...valid.taxCode,
          kind: 'taxCode',
          idNumber: holder,
          validFrom: '2026-01-02',
          validUntil: '2026-01-01',
        },
        'validUntil',
      ],
      [{ ...valid.taxCode, kind: 'taxCode', idNumber: holder, issuedOn: '31/12/2020' }, 'issuedOn'],
      [
        { ...valid.taxCode, kind: 'taxCode', idNumber: holder, holder: { dateOfBirth: '1984-13-01' } },
        'holder.dateOfBirth',
      ],
      [{ ...valid.taxCode, kind: 'taxCode', idNumber: holder, colour: 'red' }, '(document)'],
    ];
    for (const [document, path] of cases) {
      const result = validateDocument(document, today);
      expect(result.ok, path).toBe(false);
      if (!result.ok) expect(result.errors.map((error) => error.path)).toContain(path);
    }
  });
});
