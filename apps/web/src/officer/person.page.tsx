import { Anchor, Badge, Box, Center, Grid, Group, Loader, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Person } from '../api/api.types.ts';
import { personForRef } from '../session/person-refs.ts';
import { useSession } from '../session/session.context.tsx';
import { formatDate } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { usePerson } from './officer.queries.ts';
import { PersonAccessLog } from './person-access-log.tsx';
import { PersonDocuments } from './person-documents.tsx';
import { PersonEidAccount } from './person-eid-account.tsx';
import { PersonFamily } from './person-family.tsx';
import { PersonHistorySection } from './person-history.tsx';
import { PersonHousehold } from './person-household.tsx';
import { PersonIdCard } from './person-id-card.tsx';
import { type PageSection, SectionNav } from './person-nav.tsx';
import { BirthSection, IdentitySection, ResidenceSection } from './person-sections.tsx';
import { PersonRecordActions } from './records/person-record-actions.tsx';

/** `/officer/people/:ref` — the reference resolves to an ID number in this tab's memory only. */
export function PersonRoute() {
  const { ref } = useParams();
  const idNumber = personForRef(ref);
  // Keyed, so opening a relative is a new page: focus moves to its heading again.
  return <PersonPage key={ref ?? ''} idNumber={idNumber} personRef={ref ?? ''} />;
}

function PersonPage({ idNumber, personRef }: { idNumber: string | undefined; personRef: string }) {
  const { t } = useTranslation();
  const person = usePerson(idNumber);
  const data = person.data;

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/officer" size="sm" data-testid="back-to-search">
        ← {t('person.backToSearch')}
      </Anchor>
      <Stack gap={4}>
        <PageTitle size="h2" documentTitle={t('person.title')} data-testid="person-name">
          {data?.fullName ?? t('person.title')}
        </PageTitle>
        {data ? (
          <Group gap="sm">
            <Text>
              {t('fields.idNumber')}:{' '}
              <Text span ff="monospace" data-testid="person-id-number">
                {data.idNumber}
              </Text>
            </Text>
            {data.dateOfDeath ? (
              <Badge color="dark" tt="none">
                {t('person.deceased')} {formatDate(data.dateOfDeath)}
              </Badge>
            ) : null}
            {data.missingSince ? (
              <Badge color="orange" variant="light" tt="none">
                {t('person.missing')} {formatDate(data.missingSince)}
              </Badge>
            ) : null}
            <Text size="xs" c="dimmed">
              {t('person.version', { version: data.version })}
            </Text>
          </Group>
        ) : null}
      </Stack>

      {idNumber === undefined ? (
        <Text role="status">{t('person.noSelection')}</Text>
      ) : person.isPending ? (
        <Center py="xl" role="status" aria-live="polite">
          <Loader size="md" aria-hidden="true" />
          <Text ml="sm">{t('common.loading')}</Text>
        </Center>
      ) : person.isError ? (
        <ProblemAlert error={person.error} onRetry={() => void person.refetch()} />
      ) : data ? (
        <PersonSections person={data} personRef={personRef} />
      ) : null}
    </Stack>
  );
}

/**
 * The record in sections a clerk can jump between: a sticky list beside them on a wide screen,
 * a sticky scrolling bar above them on a phone. Every section stays on the page (one scroll,
 * one print), so the navigation only moves focus and the view.
 */
function PersonSections({ person, personRef }: { person: Person; personRef: string }) {
  const supervisor = useSession().session?.role === 'supervisor';
  const wide = useMediaQuery('(min-width: 62em)');
  const sections: (PageSection & { content: ReactNode })[] = [
    {
      id: 'section-identity',
      label: 'identity',
      content: (
        <Grid gap="lg" align="stretch">
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <IdentitySection person={person} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <BirthSection person={person} />
          </Grid.Col>
        </Grid>
      ),
    },
    {
      id: 'section-records',
      label: 'records',
      content: <PersonRecordActions person={person} personRef={personRef} />,
    },
    { id: 'section-family', label: 'family', content: <PersonFamily person={person} /> },
    { id: 'section-residence', label: 'residence', content: <ResidenceSection person={person} /> },
    { id: 'section-household', label: 'household', content: <PersonHousehold person={person} /> },
    { id: 'section-card', label: 'card', content: <PersonIdCard person={person} /> },
    { id: 'section-eid', label: 'eid', content: <PersonEidAccount idNumber={person.idNumber} /> },
    { id: 'section-documents', label: 'documents', content: <PersonDocuments idNumber={person.idNumber} /> },
    { id: 'section-history', label: 'history', content: <PersonHistorySection idNumber={person.idNumber} /> },
    ...(supervisor
      ? [
          {
            id: 'section-access-log',
            label: 'accessLog' as const,
            content: <PersonAccessLog idNumber={person.idNumber} />,
          },
        ]
      : []),
  ];
  const body = (
    <Stack gap="lg">
      {sections.map((section) => (
        <Box
          key={section.id}
          id={section.id}
          tabIndex={-1}
          style={{ scrollMarginTop: wide ? 'var(--mantine-spacing-md)' : '4rem', outline: 'none' }}
        >
          {section.content}
        </Box>
      ))}
    </Stack>
  );
  if (!wide)
    return (
      <Stack gap="md">
        <SectionNav sections={sections} orientation="horizontal" />
        {body}
      </Stack>
    );
  // A narrow list beside the sections leaves wide tables (the access log) their room.
  return (
    <Group align="flex-start" wrap="nowrap" gap="lg">
      <Box w={200} style={{ flexShrink: 0, alignSelf: 'stretch' }}>
        <SectionNav sections={sections} orientation="vertical" />
      </Box>
      <Box style={{ flex: 1, minWidth: 0 }}>{body}</Box>
    </Group>
  );
}
