import { DivorceRecord, MarriageRegistration } from '@dinhdanh/registry/schemas';
import { Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../api/api.types.ts';
import { registryPath } from '../../api/api-client.ts';
import { parseDate, todayInVietnam } from '../../shared/format.ts';
import { maritalStatusLabel } from '../labels.ts';
import { usePerson } from '../officer.queries.ts';
import { PersonLink } from '../person-link.tsx';
import { personTitle } from './people.ts';
import { lookupError, PersonIdField, usePersonInput } from './person-field.tsx';
import { ChangeTable, EventDateField, justificationOf, RecordSteps, useRecordForm } from './record-flow.tsx';
import type { RecordFormProps } from './record-kinds.ts';
import { useRecordsTranslation } from './records-i18n.ts';
import { checkBody, type FieldErrors, focusFirstError } from './validation.ts';

interface Couple {
  a: Person;
  b: Person;
}
type CoupleResult = { partyA: Person; partyB: Person };

/**
 * Đăng ký kết hôn (`marriage`) and ly hôn (`divorce`): both records change together, each
 * gaining or losing the other as spouse. The conditions of the Law on Marriage and Family (age,
 * not already married, not related) are the server's to check; the form checks what it sees.
 */
export function CoupleForm({ kind, subjectId, onAgain }: RecordFormProps & { kind: 'marriage' | 'divorce' }) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const partyA = usePersonInput(subjectId ?? '');
  const partyB = usePersonInput();
  const [date, setDate] = useState('');
  const a = partyA.person.data;
  const b = partyB.person.data;
  // A divorce is between the spouses the registry holds: the other party is A's spouse.
  const spouseOfA = usePerson(kind === 'divorce' ? (a?.spouseIdNumber ?? undefined) : undefined).data;
  const { input: inputB, setInput: setInputB } = partyB;
  useEffect(() => {
    if (kind === 'divorce' && spouseOfA && inputB === '') setInputB(spouseOfA.idNumber);
  }, [kind, spouseOfA, inputB, setInputB]);
  const { flow, errors, setErrors, justification, steps } = useRecordForm<
    MarriageRegistration | DivorceRecord,
    CoupleResult,
    Couple
  >(kind, {
    submit: (api, body) =>
      api.post<CoupleResult>(registryPath(kind === 'marriage' ? 'marriages' : 'divorces'), body),
    affected: (body) => [body.partyA, body.partyB],
  });
  const dateField = kind === 'marriage' ? 'marriageDate' : 'divorceDate';

  const review = () => {
    const iso = parseDate(date);
    const body = {
      partyA: partyA.idNumber ?? partyA.input,
      partyB: partyB.idNumber ?? partyB.input,
      [dateField]: iso ?? date,
      ...justificationOf(justification),
    };
    const checked =
      kind === 'marriage' ? checkBody(MarriageRegistration, body, rt) : checkBody(DivorceRecord, body, rt);
    const found: FieldErrors = checked.ok ? {} : { ...checked.errors };
    for (const [field, lookup] of [
      ['partyA', partyA],
      ['partyB', partyB],
    ] as const) {
      const missing = lookupError(lookup, rt);
      if (missing) found[field] = missing;
      else if (lookup.person.data?.dateOfDeath) found[field] = rt('validation.deceased');
    }
    if (a && b && a.idNumber === b.idNumber) found.partyB = rt('validation.samePerson');
    if (kind === 'marriage') {
      if (a?.maritalStatus === 'married') found.partyA = rt('validation.alreadyMarried');
      if (b?.maritalStatus === 'married' && !found.partyB) found.partyB = rt('validation.alreadyMarried');
    } else if (a && b && (a.spouseIdNumber !== b.idNumber || b.spouseIdNumber !== a.idNumber)) {
      found.partyB = rt('validation.notSpouses');
    }
    if (iso && iso > todayInVietnam()) found[dateField] = rt('validation.future');
    setErrors(found);
    if (Object.keys(found).length > 0 || !checked.ok || !a || !b) return focusFirstError(found);
    flow.review(checked.value, { a, b });
  };

  const after = kind === 'marriage' ? 'married' : 'divorced';
  const rows = (person: Person, other: Person) => [
    {
      label: t('fields.maritalStatus'),
      before: maritalStatusLabel(t, person.maritalStatus),
      after: maritalStatusLabel(t, after),
    },
    {
      label: t('relations.spouse'),
      before: kind === 'marriage' ? t('common.none') : other.fullName,
      after: kind === 'marriage' ? personTitle(other) : t('common.none'),
    },
  ];
  const dateLabel = rt(kind === 'marriage' ? 'fields.marriageDate' : 'fields.divorceDate');
  return (
    <RecordSteps
      {...steps}
      onReview={review}
      onAgain={onAgain}
      form={
        <>
          <PersonIdField
            label={rt('fields.partyA')}
            lookup={partyA}
            errors={errors}
            field="partyA"
            required
          />
          <PersonIdField
            label={rt('fields.partyB')}
            description={kind === 'divorce' ? rt('fields.partyBDivorceHint') : undefined}
            lookup={partyB}
            errors={errors}
            field="partyB"
            required
          />
          <EventDateField
            name={dateField}
            label={dateLabel}
            value={date}
            onChange={setDate}
            errors={errors}
          />
        </>
      }
      effective={(body) => ({
        label: dateLabel,
        date: 'marriageDate' in body ? body.marriageDate : body.divorceDate,
      })}
      review={(_body, shown) => (
        <>
          <ChangeTable title={personTitle(shown.a)} rows={rows(shown.a, shown.b)} />
          <ChangeTable title={personTitle(shown.b)} rows={rows(shown.b, shown.a)} />
        </>
      )}
      result={(result) => (
        <>
          <Text size="sm">{rt(kind === 'marriage' ? 'result.marriage' : 'result.divorce')}</Text>
          <PersonLink person={result.partyA} testId="record-result-person" />
          <PersonLink person={result.partyB} testId="record-result-person" />
        </>
      )}
    />
  );
}
