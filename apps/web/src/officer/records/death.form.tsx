import { DeathRecord } from '@dinhdanh/registry/schemas';
import { Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../api/api.types.ts';
import { registryPath } from '../../api/api-client.ts';
import { formatDate, parseDate, todayInVietnam } from '../../shared/format.ts';
import { maritalStatusLabel } from '../labels.ts';
import { usePerson } from '../officer.queries.ts';
import { PersonLink } from '../person-link.tsx';
import { personTitle } from './people.ts';
import { lookupError, PersonIdField, usePersonInput } from './person-field.tsx';
import { ChangeTable, EventDateField, justificationOf, RecordSteps, useRecordForm } from './record-flow.tsx';
import type { RecordFormProps } from './record-kinds.ts';
import { useRecordsTranslation } from './records-i18n.ts';
import { checkBody, type FieldErrors, focusFirstError } from './validation.ts';

type Body = DeathRecord;
interface Preview {
  person: Person;
  /** The spouse who becomes widowed, if any. */
  widowed: Person | null;
}

/** Khai tử: the date of death; a spouse still married to the deceased becomes widowed. */
export function DeathForm({ subjectId, onAgain }: RecordFormProps) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const subject = usePersonInput(subjectId ?? '');
  const [dateOfDeath, setDateOfDeath] = useState('');
  const person = subject.person.data;
  const spouse = usePerson(person?.spouseIdNumber ?? undefined).data;
  const { flow, errors, setErrors, justification, steps } = useRecordForm<Body, Person, Preview>('death', {
    submit: (api, body) => api.post<Person>(registryPath('deaths'), body),
    affected: (body) => [body.idNumber, ...(person?.spouseIdNumber ? [person.spouseIdNumber] : [])],
  });

  const review = () => {
    const iso = parseDate(dateOfDeath);
    const checked = checkBody(
      DeathRecord,
      {
        idNumber: subject.idNumber ?? subject.input,
        dateOfDeath: iso ?? dateOfDeath,
        ...justificationOf(justification),
      },
      rt,
    );
    const found: FieldErrors = checked.ok ? {} : { ...checked.errors };
    const missing = lookupError(subject, rt);
    if (missing) found.idNumber = missing;
    if (person?.dateOfDeath) found.idNumber = rt('validation.alreadyDeceased');
    if (iso && iso > todayInVietnam()) found.dateOfDeath = rt('validation.future');
    if (iso && person && iso < person.dateOfBirth) found.dateOfDeath = rt('validation.beforeBirth');
    setErrors(found);
    if (Object.keys(found).length > 0 || !checked.ok || !person) return focusFirstError(found);
    const widowed =
      spouse && spouse.spouseIdNumber === person.idNumber && !spouse.dateOfDeath ? spouse : null;
    flow.review(checked.value, { person, widowed });
  };

  return (
    <RecordSteps
      {...steps}
      onReview={review}
      onAgain={onAgain}
      form={
        <>
          <PersonIdField
            label={rt('fields.deceased')}
            lookup={subject}
            errors={errors}
            field="idNumber"
            required
          />
          <EventDateField
            name="dateOfDeath"
            label={rt('fields.dateOfDeath')}
            value={dateOfDeath}
            onChange={setDateOfDeath}
            errors={errors}
          />
        </>
      }
      review={(body, shown) => (
        <>
          <ChangeTable
            title={personTitle(shown.person)}
            rows={[
              {
                label: t('fields.dateOfDeath'),
                before: t('common.none'),
                after: formatDate(body.dateOfDeath),
              },
            ]}
          />
          {shown.widowed ? (
            <ChangeTable
              title={personTitle(shown.widowed)}
              testId="change-table-spouse"
              rows={[
                {
                  label: t('fields.maritalStatus'),
                  before: maritalStatusLabel(t, shown.widowed.maritalStatus),
                  after: maritalStatusLabel(t, 'widowed'),
                },
                { label: t('relations.spouse'), before: shown.person.fullName, after: t('common.none') },
              ]}
            />
          ) : null}
        </>
      )}
      result={(result, shown) => (
        <>
          <Text size="sm">{rt('result.death', { date: formatDate(result.dateOfDeath) })}</Text>
          <PersonLink person={result} testId="record-result-person" />
          {shown.widowed ? <PersonLink person={shown.widowed} testId="record-result-spouse" /> : null}
        </>
      )}
    />
  );
}
