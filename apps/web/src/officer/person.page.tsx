import { Anchor, Badge, Center, Grid, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
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
import { BirthSection, IdentitySection, ResidenceSection } from './person-sections.tsx';

/** `/officer/people/:ref` — the reference resolves to an ID number in this tab's memory only. */
export function PersonRoute() {
  const { ref } = useParams();
  const idNumber = personForRef(ref);
  // Keyed, so opening a relative is a new page: focus moves to its heading again.
  return <PersonPage key={ref ?? ''} idNumber={idNumber} />;
}

function PersonPage({ idNumber }: { idNumber: string | undefined }) {
  const { t } = useTranslation();
  const person = usePerson(idNumber);
  const data = person.data;
  const supervisor = useSession().session?.role === 'supervisor';

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
        <Grid gap="lg" align="stretch">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <IdentitySection person={data} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Stack gap="lg">
              <BirthSection person={data} />
              <PersonFamily person={data} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={12}>
            <ResidenceSection person={data} />
          </Grid.Col>
          <Grid.Col span={12}>
            <PersonHousehold person={data} />
          </Grid.Col>
          <Grid.Col span={12}>
            <PersonIdCard person={data} />
          </Grid.Col>
          <Grid.Col span={12}>
            <PersonEidAccount idNumber={data.idNumber} />
          </Grid.Col>
          <Grid.Col span={12}>
            <PersonDocuments idNumber={data.idNumber} />
          </Grid.Col>
          <Grid.Col span={12}>
            <PersonHistorySection idNumber={data.idNumber} />
          </Grid.Col>
          {supervisor ? (
            <Grid.Col span={12}>
              <PersonAccessLog idNumber={data.idNumber} />
            </Grid.Col>
          ) : null}
        </Grid>
      ) : null}
    </Stack>
  );
}
