import { Badge, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../api/api.types.ts';
import { formatDate, normaliseIdNumber } from '../../shared/format.ts';
import { ProblemAlert } from '../../shared/problem-alert.tsx';
import { maritalStatusLabel, sexLabel } from '../labels.ts';
import { usePerson } from '../officer.queries.ts';
import { useRecordsTranslation } from './records-i18n.ts';
import type { FieldErrors } from './validation.ts';

export interface PersonLookup {
  /** The typed number when it has 12 digits. */
  idNumber: string | undefined;
  person: UseQueryResult<Person>;
}

/** The person a typed ID number names, read once it has 12 digits (the read is on their access log). */
export function usePersonLookup(input: string): PersonLookup {
  const idNumber = normaliseIdNumber(input);
  return { idNumber, person: usePerson(idNumber) };
}

/** A typed ID number and the person it names. */
export interface PersonInput extends PersonLookup {
  input: string;
  setInput: (input: string) => void;
}

/** An ID number field's state, starting from `initial` (a person opened from their page). */
export function usePersonInput(initial = ''): PersonInput {
  const [input, setInput] = useState(initial);
  return { ...usePersonLookup(input), input, setInput };
}

/** Who a record is about: name, ID number, date of birth, sex, marital status, death. */
export function PersonCard({ person, testId = 'person-card' }: { person: Person; testId?: string }) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  return (
    <Paper withBorder p="sm" radius="sm" bg="var(--mantine-color-gray-0)" data-testid={testId}>
      <Stack gap={2}>
        <Group gap="xs">
          <Text fw={600} data-testid="person-card-name">
            {person.fullName}
          </Text>
          {person.dateOfDeath ? (
            <Badge color="dark" size="sm" tt="none">
              {t('person.deceased')} {formatDate(person.dateOfDeath)}
            </Badge>
          ) : null}
        </Group>
        <Text size="sm">
          {t('fields.idNumber')}:{' '}
          <Text span ff="monospace" size="sm">
            {person.idNumber}
          </Text>
        </Text>
        <Text size="sm" c="dimmed">
          {rt('personCard.summary', {
            dateOfBirth: formatDate(person.dateOfBirth),
            sex: sexLabel(t, person.sex),
            maritalStatus: maritalStatusLabel(t, person.maritalStatus),
          })}
        </Text>
        {person.permanentAddress ? (
          <Text size="sm" c="dimmed">
            {t('fields.permanentAddress')}: {person.permanentAddress.text}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}

/**
 * An ID number field that shows whom it names as soon as it has 12 digits, so the clerk sees
 * the right person before reviewing. `field` is the body path its errors are keyed by.
 */
export function PersonIdField({
  label,
  description,
  lookup,
  errors,
  field,
  required,
}: {
  label: string;
  description?: string;
  lookup: PersonInput;
  /** The form's errors; this field shows the one keyed by `field`. */
  errors: FieldErrors;
  field: string;
  required?: boolean;
}) {
  const rt = useRecordsTranslation();
  const { person } = lookup;
  return (
    <Stack gap={6}>
      <TextInput
        label={label}
        description={description ?? rt('fields.idNumberHint')}
        value={lookup.input}
        onChange={(event) => lookup.setInput(event.currentTarget.value)}
        error={errors[field]}
        required={required}
        inputMode="numeric"
        maxLength={16}
        autoComplete="off"
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-field={field}
        data-testid={`field-${field}`}
      />
      {lookup.idNumber === undefined ? null : person.isPending ? (
        <Text size="sm" role="status">
          {rt('personCard.looking')}
        </Text>
      ) : person.isError ? (
        <ProblemAlert error={person.error} />
      ) : person.data ? (
        <PersonCard person={person.data} testId={`person-card-${field}`} />
      ) : null}
    </Stack>
  );
}

/** The error to show for a person field: the body's, or "not found / not loaded yet". */
export function lookupError(
  lookup: PersonLookup,
  rt: ReturnType<typeof useRecordsTranslation>,
): string | undefined {
  if (lookup.idNumber !== undefined && !lookup.person.data)
    return lookup.person.isPending ? rt('validation.stillLooking') : rt('validation.personNotFound');
  return undefined;
}
