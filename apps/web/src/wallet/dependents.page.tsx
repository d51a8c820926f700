import { Card, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useDependents } from '../citizen/citizen.api.ts';
import { formatDate } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { Pending } from './pending.tsx';

/** `/wallet/dependents` — children and people under guardianship shown under this account. */
export function DependentsPage() {
  const { t } = useTranslation();
  const dependents = useDependents();
  const list = dependents.data ?? [];
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.dependents')}>
        {t('wallet.nav.dependents')}
      </PageTitle>
      <Text size="sm">{t('dependents.intro')}</Text>
      <Pending query={dependents}>
        {list.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('dependents.none')}
          </Text>
        ) : (
          <Stack gap="xs" data-testid="dependents-list">
            {list.map((dependent, index) => (
              <Card
                key={dependent.idNumber ?? index}
                withBorder
                padding="sm"
                radius="md"
                data-testid="dependent-item"
              >
                <Text fw={600}>{dependent.fullName}</Text>
                {dependent.dateOfBirth ? (
                  <Text size="sm">
                    {t('fields.dateOfBirth')}: {formatDate(dependent.dateOfBirth)}
                  </Text>
                ) : null}
                {dependent.relation === 'child' || dependent.relation === 'ward' ? (
                  <Text size="sm" c="dimmed">
                    {t(dependent.relation === 'child' ? 'dependents.child' : 'dependents.ward')}
                  </Text>
                ) : null}
              </Card>
            ))}
          </Stack>
        )}
      </Pending>
    </Stack>
  );
}
