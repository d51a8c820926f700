import { Button, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Person } from '../../api/api.types.ts';
import { Section } from '../section.tsx';
import type { RecordKind } from './record-kinds.ts';
import { useRecordsTranslation } from './records-i18n.ts';

/** The procedures that apply to this person as their record stands. */
function applicable(person: Person): RecordKind[] {
  if (person.dateOfDeath) return ['correction'];
  const kinds: RecordKind[] = ['birth', 'death'];
  if (person.maritalStatus === 'married' && person.spouseIdNumber) kinds.push('divorce');
  else kinds.push('marriage');
  kinds.push('guardianship');
  if (!person.fatherIdNumber || !person.motherIdNumber) kinds.push('parentage');
  kinds.push('correction');
  return kinds;
}

/**
 * "Record for this person": each procedure opens with the person filled in (a child's birth
 * with them as a parent). Links carry the page's opaque reference, never the ID number.
 */
export function PersonRecordActions({ person, personRef }: { person: Person; personRef: string }) {
  const rt = useRecordsTranslation();
  return (
    <Section title={rt('sections.records')} testId="record-actions">
      <Text size="sm" c="dimmed">
        {rt('personActions.intro')}
      </Text>
      <Group gap="sm">
        {applicable(person).map((kind) => (
          <Button
            key={kind}
            component={Link}
            to={`/officer/records/${kind}/${personRef}`}
            variant={kind === 'correction' ? 'filled' : 'light'}
            size="sm"
            data-testid={`record-action-${kind}`}
          >
            {rt(`personActions.${kind}`)}
          </Button>
        ))}
      </Group>
    </Section>
  );
}
