import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PersonSummary, Relative } from '../api/api.types.ts';
import { refForPerson } from '../session/person-refs.ts';
import { formatDate } from '../shared/format.ts';

/** A registry person as a link to their page, with date of birth and a deceased badge. */
export function PersonLink({ person, testId }: { person: PersonSummary; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0}>
      <Anchor
        component={Link}
        to={`/officer/people/${refForPerson(person.idNumber)}`}
        data-testid={testId}
        fw={500}
      >
        {person.fullName}
      </Anchor>
      <Group gap={6}>
        <Text size="xs" c="dimmed">
          {formatDate(person.dateOfBirth)}
        </Text>
        {person.dateOfDeath ? (
          <Badge color="dark" size="xs" tt="none">
            {t('person.deceased')}
          </Badge>
        ) : null}
      </Group>
    </Stack>
  );
}

/** A relative the registry does not hold (a foreign parent): what the record says about them. */
export function OutsideRelative({ relative }: { relative: Relative }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {relative.fullName}
      </Text>
      <Text size="xs" c="dimmed">
        {[
          relative.idNumber,
          t('relations.notInRegistry'),
          relative.nationality ? t('relations.nationality', { nationality: relative.nationality }) : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Text>
    </Stack>
  );
}
