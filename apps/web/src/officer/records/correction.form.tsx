import { Correction, correctableFields } from '@dinhdanh/registry/schemas';
import { NativeSelect, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../api/api.types.ts';
import { registryPath } from '../../api/api-client.ts';
import { formatDate, parseDate, todayInVietnam } from '../../shared/format.ts';
import { fieldLabel } from '../labels.ts';
import { PersonLink } from '../person-link.tsx';
import {
  AddressFields,
  type AddressValue,
  addressInput,
  useInitialUnit,
  useUnitText,
} from './address-field.tsx';
import { personTitle } from './people.ts';
import { lookupError, PersonIdField, usePersonInput } from './person-field.tsx';
import { ChangeTable, EventDateField, justificationOf, RecordSteps, useRecordForm } from './record-flow.tsx';
import type { RecordFormProps } from './record-kinds.ts';
import { hasRecordsKey, useRecordsTranslation } from './records-i18n.ts';
import { checkBody, type FieldErrors, focusFirstError } from './validation.ts';

type Field = keyof typeof correctableFields;
const fields = Object.keys(correctableFields) as Field[];
const bloodTypes = correctableFields.bloodType.options;
const addressFields = new Set<Field>(['permanentAddress', 'currentResidence']);

/** A correction and whose it is. */
type Body = Correction & { field: Field; idNumber: string };

interface Preview {
  person: Person;
  before: string;
  after: string;
}

/** The field's current value in words. */
function currentText(person: Person, field: Field, none: string): string {
  const value = person[field];
  if (value === null || value === undefined || value === '') return none;
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : none;
  if (typeof value === 'object') return value.text || none;
  return field === 'dateOfBirth' ? formatDate(value) : value;
}

/**
 * Điều chỉnh thông tin: one field at a time, validated by the registry's own rule for that
 * field; the previous value stays in the person's history.
 */
export function CorrectionForm({ subjectId, onAgain }: RecordFormProps) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const subject = usePersonInput(subjectId ?? '');
  const [field, setField] = useState<Field | ''>('');
  const [text, setText] = useState('');
  const [address, setAddress] = useState<AddressValue>({ ...useInitialUnit(), detail: '' });
  const person = subject.person.data;
  const addressText = useUnitText(address);
  const { flow, errors, setErrors, justification, steps } = useRecordForm<Body, Person, Preview>(
    'correction',
    {
      // The person goes in the path (the API's own), the correction in the body.
      submit: (api, { idNumber, ...correction }) =>
        api.post<Person>(registryPath('people', idNumber, 'corrections'), correction),
      affected: (_body, result) => [result.idNumber],
    },
  );

  const newValue = (): unknown => {
    if (field === '') return undefined;
    if (addressFields.has(field)) return addressInput(address);
    if (field === 'dateOfBirth') return parseDate(text) ?? text;
    if (field === 'otherNames')
      return text
        .split(/[,;]/)
        .map((name) => name.trim())
        .filter((name) => name !== '');
    return text.trim();
  };

  const review = () => {
    const value = newValue();
    const checked = checkBody(
      Correction,
      { field: field || undefined, value, ...justificationOf(justification) },
      rt,
    );
    const found: FieldErrors = checked.ok ? {} : { ...checked.errors };
    const missing = lookupError(subject, rt);
    if (missing) found.idNumber = missing;
    if (field !== '' && value !== undefined && !correctableFields[field].safeParse(value).success) {
      const key = `validation.fields.${field}`;
      found.value = hasRecordsKey(key) ? rt(key) : rt('validation.invalid');
    } else if (field !== '' && value === undefined) found.value = rt('validation.required');
    if (field === 'dateOfBirth' && typeof value === 'string' && person && !found.value) {
      if (value > todayInVietnam()) found.value = rt('validation.future');
      else if (value.slice(0, 4) !== person.dateOfBirth.slice(0, 4))
        found.value = rt('validation.birthYearFixed');
    }
    const before = person && field !== '' ? currentText(person, field, t('common.none')) : '';
    const after =
      field === '' || value === undefined
        ? ''
        : addressFields.has(field)
          ? [address.detail.trim(), addressText].filter(Boolean).join(', ')
          : field === 'dateOfBirth'
            ? formatDate(String(value))
            : Array.isArray(value)
              ? value.join(', ')
              : String(value);
    if (!found.value && field !== '' && before === after) found.value = rt('validation.unchanged');
    setErrors(found);
    if (Object.keys(found).length > 0 || !checked.ok || !person || field === '')
      return focusFirstError(found);
    flow.review({ ...checked.value, field, idNumber: person.idNumber }, { person, before, after });
  };

  return (
    <RecordSteps
      {...steps}
      onReview={review}
      onAgain={onAgain}
      form={
        <>
          <PersonIdField
            label={rt('fields.subject')}
            lookup={subject}
            errors={errors}
            field="idNumber"
            required
          />
          <NativeSelect
            label={rt('fields.correctedField')}
            value={field}
            onChange={(event) => {
              setField(event.currentTarget.value as Field | '');
              setText('');
            }}
            data={[
              { value: '', label: rt('fields.choose') },
              ...fields.map((name) => ({ value: name, label: fieldLabel(t, name) })),
            ]}
            error={errors.field}
            required
            data-field="field"
            data-testid="field-field"
          />
          {field !== '' && person ? (
            <Text size="sm" data-testid="correction-current">
              {rt('fields.currentValue')}: {currentText(person, field, t('common.none'))}
            </Text>
          ) : null}
          {field === '' ? null : addressFields.has(field) ? (
            <AddressFields
              legend={rt('fields.newValue')}
              value={address}
              onChange={setAddress}
              withinUnit={field === 'permanentAddress'}
              errors={errors.value ? { ...errors, 'value.communeCode': errors.value } : errors}
              field="value"
            />
          ) : field === 'dateOfBirth' ? (
            <EventDateField
              name="value"
              label={rt('fields.newValue')}
              value={text}
              onChange={setText}
              errors={errors}
            />
          ) : field === 'bloodType' ? (
            <NativeSelect
              label={rt('fields.newValue')}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              data={[{ value: '', label: rt('fields.choose') }, ...bloodTypes]}
              error={errors.value}
              required
              data-field="value"
              data-testid="field-value"
            />
          ) : (
            <TextInput
              label={rt('fields.newValue')}
              description={field === 'otherNames' ? rt('fields.otherNamesHint') : undefined}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              error={errors.value}
              required
              inputMode={
                field === 'phone' || field === 'oldIdNumber'
                  ? 'numeric'
                  : field === 'email'
                    ? 'email'
                    : 'text'
              }
              maxLength={200}
              data-field="value"
              data-testid="field-value"
            />
          )}
        </>
      }
      review={(body, shown) => (
        <ChangeTable
          title={personTitle(shown.person)}
          rows={[{ label: fieldLabel(t, body.field), before: shown.before, after: shown.after }]}
        />
      )}
      result={(result, _shown, body) => (
        <>
          <Text size="sm">{rt('result.correction', { field: fieldLabel(t, body.field) })}</Text>
          <PersonLink person={result} testId="record-result-person" />
        </>
      )}
    />
  );
}
