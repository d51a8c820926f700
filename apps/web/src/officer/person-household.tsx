import { Anchor, Table, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { HouseholdMember, Person } from '../api/api.types.ts';
import { refForPerson } from '../session/person-refs.ts';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { relationToHeadLabel, sexLabel } from './labels.ts';
import { useHousehold } from './officer.queries.ts';
import { Fact, Facts, Section } from './section.tsx';

export function PersonHousehold({ person }: { person: Person }) {
  const { t } = useTranslation();
  const membersHeadingId = useId();
  const household = useHousehold(person.householdId);
  const data = household.data;
  const head = data?.members.find((member) => member.idNumber === data.headIdNumber);

  return (
    <Section title={t('person.sections.household')} testId="household-section">
      {!person.householdId ? (
        <Text size="sm">{t('household.none')}</Text>
      ) : household.isPending ? (
        <Text size="sm" role="status">
          {t('common.loading')}
        </Text>
      ) : household.isError ? (
        <ProblemAlert error={household.error} onRetry={() => void household.refetch()} />
      ) : data ? (
        <>
          <Facts>
            <Fact label={t('household.id')}>
              <Text span size="sm" ff="monospace">
                {data.householdId}
              </Text>
            </Fact>
            <Fact label={t('household.head')}>
              {head?.fullName ?? data.headIdNumber ?? t('household.noHead')}
            </Fact>
            <Fact label={t('household.address')}>{data.address.text}</Fact>
            <Fact label={t('household.residenceFileNumber')}>{data.residenceFileNumber}</Fact>
          </Facts>
          <Title order={3} size="h5" id={membersHeadingId} mt="sm">
            {t('household.members', { count: data.members.length })}
          </Title>
          <Table.ScrollContainer minWidth={520}>
            <Table
              aria-labelledby={membersHeadingId}
              striped
              verticalSpacing="xs"
              data-testid="household-members"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('search.columns.fullName')}</Table.Th>
                  <Table.Th scope="col">{t('household.relation')}</Table.Th>
                  <Table.Th scope="col">{t('search.columns.dateOfBirth')}</Table.Th>
                  <Table.Th scope="col">{t('search.columns.sex')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orderMembers(data.members, data.headIdNumber).map((member) => (
                  <Table.Tr key={member.idNumber} data-testid="household-member">
                    <Table.Th scope="row" fw={500}>
                      {member.idNumber === person.idNumber ? (
                        <Text span fw={700} size="sm" aria-current="page" data-testid="household-member-name">
                          {member.fullName}
                        </Text>
                      ) : (
                        <Anchor
                          component={Link}
                          to={`/officer/people/${refForPerson(member.idNumber)}`}
                          size="sm"
                          data-testid="household-member-name"
                        >
                          {member.fullName}
                        </Anchor>
                      )}
                    </Table.Th>
                    <Table.Td>{relationToHeadLabel(t, member.relationToHead)}</Table.Td>
                    <Table.Td>{formatDate(member.dateOfBirth)}</Table.Td>
                    <Table.Td>{sexLabel(t, member.sex)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      ) : null}
    </Section>
  );
}

/** The head first, then members in the order the registry gives them. */
function orderMembers(members: HouseholdMember[], headIdNumber: string | null): HouseholdMember[] {
  const head = members.filter((member) => member.idNumber === headIdNumber);
  return [...head, ...members.filter((member) => member.idNumber !== headIdNumber)];
}
