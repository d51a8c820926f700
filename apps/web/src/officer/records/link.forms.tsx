import { GuardianshipRegistration, ParentageRegistration } from '@dinhdanh/registry/schemas';
import { Radio, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../api/api.types.ts';
import { registryPath } from '../../api/api-client.ts';
import { parseDate, todayInVietnam } from '../../shared/format.ts';
import { usePerson } from '../officer.queries.ts';
import { PersonLink } from '../person-link.tsx';
import { ageOn, personTitle } from './people.ts';
import { lookupError, PersonIdField, type PersonLookup, usePersonInput } from './person-field.tsx';
import { ChangeTable, EventDateField, justificationOf, RecordSteps, useRecordForm } from './record-flow.tsx';
import type { RecordFormProps } from './record-kinds.ts';
import { type RecordsT, useRecordsTranslation } from './records-i18n.ts';
import { checkBody, type FieldErrors, focusFirstError } from './validation.ts';

interface Linked {
  /** The record that changes (the ward, the child). */
  person: Person;
  /** The person it gains (the guardian, the parent). */
  relative: Person;
  /** Who held that place before, as the review shows it. */
  before: string;
}

/** The linked record's one changed row: who held the place before, who holds it now. */
function LinkChange({ label, shown }: { label: string; shown: Linked }) {
  return (
    <ChangeTable
      title={personTitle(shown.person)}
      rows={[{ label, before: shown.before, after: personTitle(shown.relative) }]}
    />
  );
}

function LinkResult({ text, result, shown }: { text: string; result: Person; shown: Linked }) {
  return (
    <>
      <Text size="sm">{text}</Text>
      <PersonLink person={result} testId="record-result-person" />
      <PersonLink person={shown.relative} testId="record-result-person" />
    </>
  );
}

/** Errors of the two people a link joins: both found, alive where it matters, not the same. */
function pairErrors(
  rt: RecordsT,
  subject: [string, PersonLookup],
  relative: [string, PersonLookup],
  deceasedMatters: boolean,
): FieldErrors {
  const found: FieldErrors = {};
  for (const [field, lookup] of [subject, relative]) {
    const missing = lookupError(lookup, rt);
    if (missing) found[field] = missing;
    else if (deceasedMatters && lookup.person.data?.dateOfDeath) found[field] = rt('validation.deceased');
  }
  if (subject[1].idNumber && subject[1].idNumber === relative[1].idNumber)
    found[relative[0]] = rt('validation.samePerson');
  return found;
}

/** Đăng ký giám hộ: a living adult becomes the ward's guardian or legal representative. */
export function GuardianshipForm({ subjectId, onAgain }: RecordFormProps) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const ward = usePersonInput(subjectId ?? '');
  const guardian = usePersonInput();
  const [role, setRole] = useState<'guardian' | 'legalRepresentative'>('guardian');
  const [startDate, setStartDate] = useState('');
  const field = role === 'guardian' ? 'guardianIdNumber' : 'legalRepresentativeIdNumber';
  const current = usePerson(ward.person.data?.[field] ?? undefined).data;
  const { flow, errors, setErrors, justification, steps } = useRecordForm<
    GuardianshipRegistration,
    Person,
    Linked
  >('guardianship', {
    submit: (api, body) => api.post<Person>(registryPath('guardianships'), body),
    affected: (body) => [body.wardIdNumber, body.guardianIdNumber],
  });

  const review = () => {
    const iso = parseDate(startDate);
    const checked = checkBody(
      GuardianshipRegistration,
      {
        wardIdNumber: ward.idNumber ?? ward.input,
        guardianIdNumber: guardian.idNumber ?? guardian.input,
        kind: role,
        startDate: iso ?? startDate,
        ...justificationOf(justification),
      },
      rt,
    );
    const found: FieldErrors = {
      ...(checked.ok ? {} : checked.errors),
      ...pairErrors(rt, ['wardIdNumber', ward], ['guardianIdNumber', guardian], true),
    };
    const adult = guardian.person.data;
    if (iso && adult && ageOn(adult.dateOfBirth, iso) < 18 && !found.guardianIdNumber)
      found.guardianIdNumber = rt('validation.guardianAdult');
    if (iso && iso > todayInVietnam()) found.startDate = rt('validation.future');
    setErrors(found);
    const person = ward.person.data;
    if (Object.keys(found).length > 0 || !checked.ok || !person || !adult) return focusFirstError(found);
    const before = current ? personTitle(current) : person[field] ? String(person[field]) : t('common.none');
    flow.review(checked.value, { person, relative: adult, before });
  };

  const roleLabel = t(`relations.${role}`);
  return (
    <RecordSteps
      {...steps}
      onReview={review}
      onAgain={onAgain}
      form={
        <>
          <PersonIdField
            label={rt('fields.ward')}
            lookup={ward}
            errors={errors}
            field="wardIdNumber"
            required
          />
          <Radio.Group
            label={rt('fields.guardianKind')}
            value={role}
            onChange={(value) =>
              setRole(value === 'legalRepresentative' ? 'legalRepresentative' : 'guardian')
            }
            data-testid="field-kind"
          >
            <Radio value="guardian" label={t('relations.guardian')} mt={6} />
            <Radio value="legalRepresentative" label={t('relations.legalRepresentative')} mt={6} />
          </Radio.Group>
          <PersonIdField
            label={roleLabel}
            lookup={guardian}
            errors={errors}
            field="guardianIdNumber"
            required
          />
          <EventDateField
            name="startDate"
            label={rt('fields.startDate')}
            value={startDate}
            onChange={setStartDate}
            errors={errors}
          />
        </>
      }
      effective={(body) => ({ label: rt('fields.startDate'), date: body.startDate })}
      review={(body, shown) => <LinkChange label={t(`relations.${body.kind}`)} shown={shown} />}
      result={(result, shown) => (
        <LinkResult text={rt('result.guardianship', { role: roleLabel })} result={result} shown={shown} />
      )}
    />
  );
}

/** Đăng ký nhận cha, mẹ, con: a registered child gains a registered father or mother. */
export function ParentageForm({ subjectId, onAgain }: RecordFormProps) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const child = usePersonInput(subjectId ?? '');
  const parent = usePersonInput();
  const [role, setRole] = useState<'father' | 'mother' | ''>('');
  const [date, setDate] = useState('');
  const { flow, errors, setErrors, justification, steps } = useRecordForm<
    ParentageRegistration,
    Person,
    Linked
  >('parentage', {
    submit: (api, body) => api.post<Person>(registryPath('parentages'), body),
    affected: (body) => [body.childIdNumber, body.parentIdNumber],
  });

  const review = () => {
    const iso = parseDate(date);
    const checked = checkBody(
      ParentageRegistration,
      {
        childIdNumber: child.idNumber ?? child.input,
        parentIdNumber: parent.idNumber ?? parent.input,
        role: role === '' ? undefined : role,
        recognitionDate: iso ?? date,
        ...justificationOf(justification),
      },
      rt,
    );
    const found: FieldErrors = {
      ...(checked.ok ? {} : checked.errors),
      ...pairErrors(rt, ['childIdNumber', child], ['parentIdNumber', parent], false),
    };
    const person = child.person.data;
    const relative = parent.person.data;
    if (person && role !== '' && person[role === 'father' ? 'fatherIdNumber' : 'motherIdNumber'])
      found.role = rt('validation.parentRecorded');
    if (
      relative &&
      role !== '' &&
      relative.sex !== (role === 'father' ? 'male' : 'female') &&
      !found.parentIdNumber
    )
      found.parentIdNumber = rt(role === 'father' ? 'validation.fatherMale' : 'validation.motherFemale');
    if (iso && iso > todayInVietnam()) found.recognitionDate = rt('validation.future');
    setErrors(found);
    if (Object.keys(found).length > 0 || !checked.ok || !person || !relative) return focusFirstError(found);
    const named = person.relatives[checked.value.role];
    const before = named ? `${named.fullName} (${t('relations.notInRegistry')})` : t('common.none');
    flow.review(checked.value, { person, relative, before });
  };

  return (
    <RecordSteps
      {...steps}
      onReview={review}
      onAgain={onAgain}
      form={
        <>
          <PersonIdField
            label={rt('fields.child')}
            lookup={child}
            errors={errors}
            field="childIdNumber"
            required
          />
          <Radio.Group
            label={rt('fields.parentRole')}
            value={role}
            onChange={(value) => setRole(value === 'father' || value === 'mother' ? value : '')}
            error={errors.role}
            withAsterisk
          >
            <Radio
              value="father"
              label={t('relations.father')}
              mt={6}
              data-field="role"
              data-testid="field-role-father"
            />
            <Radio value="mother" label={t('relations.mother')} mt={6} data-testid="field-role-mother" />
          </Radio.Group>
          <PersonIdField
            label={rt('fields.parent')}
            lookup={parent}
            errors={errors}
            field="parentIdNumber"
            required
          />
          <EventDateField
            name="recognitionDate"
            label={rt('fields.recognitionDate')}
            value={date}
            onChange={setDate}
            errors={errors}
          />
        </>
      }
      effective={(body) => ({ label: rt('fields.recognitionDate'), date: body.recognitionDate })}
      review={(body, shown) => <LinkChange label={t(`relations.${body.role}`)} shown={shown} />}
      result={(result, shown) => <LinkResult text={rt('result.parentage')} result={result} shown={shown} />}
    />
  );
}
