import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type Person, relativeRoles } from '../api/api.types.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { useRelations } from './officer.queries.ts';
import { OutsideRelative, PersonLink } from './person-link.tsx';
import { Fact, Facts, Section } from './section.tsx';

export function PersonFamily({ person }: { person: Person }) {
  const { t } = useTranslation();
  const relations = useRelations(person.idNumber);
  const data = relations.data;
  return (
    <Section title={t('person.sections.family')} testId="family-section">
      {relations.isPending ? (
        <Text size="sm" role="status">
          {t('common.loading')}
        </Text>
      ) : relations.isError ? (
        <ProblemAlert error={relations.error} onRetry={() => void relations.refetch()} />
      ) : data ? (
        <Facts>
          {relativeRoles.map((role) => {
            const inRegistry = data[role];
            const outside = data.external?.[role] ?? person.relatives[role];
            return (
              <Fact key={role} label={t(`relations.${role}`)}>
                {inRegistry ? (
                  <PersonLink person={inRegistry} testId={`relation-${role}`} />
                ) : outside ? (
                  <OutsideRelative relative={outside} />
                ) : null}
              </Fact>
            );
          })}
          <Fact label={t('relations.children')}>
            {data.children.length > 0 ? (
              <List listStyleType="none" spacing="xs">
                {data.children.map((child) => (
                  <List.Item key={child.idNumber}>
                    <PersonLink person={child} testId="relation-child" />
                  </List.Item>
                ))}
              </List>
            ) : (
              t('relations.noChildren')
            )}
          </Fact>
        </Facts>
      ) : null}
    </Section>
  );
}
