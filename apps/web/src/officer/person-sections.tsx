import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Person } from '../api/api.types.ts';
import { formatDate } from '../shared/format.ts';
import { maritalStatusLabel, relationToHeadLabel, sexLabel } from './labels.ts';
import { ResidenceHistory } from './person-history.tsx';
import { Fact, Facts, Section } from './section.tsx';

export function IdentitySection({ person }: { person: Person }) {
  const { t } = useTranslation();
  return (
    <Section title={t('person.sections.identity')} testId="identity-section">
      <Facts>
        <Fact label={t('fields.idNumber')}>
          <Text span size="sm" ff="monospace">
            {person.idNumber}
          </Text>
        </Fact>
        <Fact label={t('fields.oldIdNumber')}>{person.oldIdNumber}</Fact>
        <Fact label={t('fields.fullName')}>{person.fullName}</Fact>
        <Fact label={t('fields.otherNames')}>{person.otherNames.join(', ')}</Fact>
        <Fact label={t('fields.dateOfBirth')}>{formatDate(person.dateOfBirth)}</Fact>
        <Fact label={t('fields.sex')}>{sexLabel(t, person.sex)}</Fact>
        <Fact label={t('fields.ethnicity')}>{person.ethnicity}</Fact>
        <Fact label={t('fields.religion')}>{person.religion}</Fact>
        <Fact label={t('fields.nationality')}>{person.nationality}</Fact>
        <Fact label={t('fields.bloodType')}>{person.bloodType}</Fact>
        <Fact label={t('fields.maritalStatus')}>{maritalStatusLabel(t, person.maritalStatus)}</Fact>
        {person.dateOfDeath ? (
          <Fact label={t('fields.dateOfDeath')}>{formatDate(person.dateOfDeath)}</Fact>
        ) : null}
        {person.missingSince ? (
          <Fact label={t('fields.missingSince')}>{formatDate(person.missingSince)}</Fact>
        ) : null}
        <Fact label={t('fields.phone')}>{person.phone}</Fact>
        <Fact label={t('fields.email')}>{person.email}</Fact>
      </Facts>
    </Section>
  );
}

export function BirthSection({ person }: { person: Person }) {
  const { t } = useTranslation();
  return (
    <Section title={t('person.sections.birth')} testId="birth-section">
      <Facts>
        <Fact label={t('fields.placeOfBirth')}>{person.placeOfBirth}</Fact>
        <Fact label={t('fields.birthRegistrationPlace')}>{person.birthRegistrationPlace?.text}</Fact>
        <Fact label={t('fields.placeOfOrigin')}>{person.placeOfOrigin}</Fact>
      </Facts>
    </Section>
  );
}

function term(t: ReturnType<typeof useTranslation>['t'], from: string, to: string | null): string {
  return to
    ? t('person.term', { from: formatDate(from), to: formatDate(to) })
    : t('person.termOpen', { from: formatDate(from) });
}

export function ResidenceSection({ person }: { person: Person }) {
  const { t } = useTranslation();
  const temporary = person.temporaryResidence;
  const absence = person.temporaryAbsence;
  return (
    <Section title={t('person.sections.residence')} testId="residence-section">
      <Facts>
        <Fact label={t('fields.permanentAddress')}>{person.permanentAddress?.text}</Fact>
        <Fact label={t('fields.residenceFileNumber')}>{person.residenceFileNumber}</Fact>
        <Fact label={t('fields.temporaryResidence')}>
          {temporary ? (
            <Stack gap={2}>
              <Text size="sm">{temporary.address.text}</Text>
              <Text size="xs" c="dimmed">
                {term(t, temporary.from, temporary.to)}
              </Text>
            </Stack>
          ) : null}
        </Fact>
        <Fact label={t('fields.currentResidence')}>{person.currentResidence?.text}</Fact>
        <Fact label={t('fields.temporaryAbsence')}>
          {absence ? (
            <Stack gap={2}>
              <Text size="sm">
                {t('person.absenceDestination')}: {absence.destination}
              </Text>
              <Text size="sm">
                {t('person.absenceReason')}: {absence.reason}
              </Text>
              <Text size="xs" c="dimmed">
                {term(t, absence.from, absence.to)}
              </Text>
            </Stack>
          ) : (
            t('person.noAbsence')
          )}
        </Fact>
        <Fact label={t('fields.relationToHead')}>
          {person.householdId ? relationToHeadLabel(t, person.relationToHead) : null}
        </Fact>
      </Facts>
      <ResidenceHistory idNumber={person.idNumber} />
    </Section>
  );
}
