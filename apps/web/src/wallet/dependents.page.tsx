import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { identityPath } from '../api/api-client.ts';
import type { Dependent, DependentAccountCreated } from '../api/identity.types.ts';
import { citizenApi, useDependents } from '../citizen/citizen.api.ts';
import { formatDate } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { useWalletAction } from './mutation.ts';
import { Pending } from './pending.tsx';

const dependentsKey = ['identity', 'me', 'dependents'] as const;

/**
 * `/wallet/dependents` — children and people under guardianship shown under this account, whether
 * each has an own eID account, and opening a level-1 account for one (Decree 69). The ID number
 * goes in the request body, never the URL.
 */
export function DependentsPage() {
  const { t } = useTranslation();
  const dependents = useDependents();
  const create = useWalletAction(
    (idNumber: string) =>
      citizenApi.post<DependentAccountCreated>(identityPath('me', 'dependent-accounts'), { idNumber }),
    [dependentsKey],
  );
  const list = dependents.data ?? [];
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.dependents')}>
        {t('wallet.nav.dependents')}
      </PageTitle>
      <Text size="sm">{t('dependents.intro')}</Text>
      <Text size="xs" c="dimmed">
        {t('dependents.createHint')}
      </Text>
      {create.error ? <ProblemAlert error={create.error} /> : null}
      <div role="status" aria-live="polite" data-testid="dependent-created">
        {create.data ? t('dependents.created', { name: create.data.fullName }) : ''}
      </div>
      <Pending query={dependents}>
        {list.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('dependents.none')}
          </Text>
        ) : (
          <Stack gap="xs" data-testid="dependents-list">
            {list.map((dependent, index) => (
              <DependentCard
                key={dependent.idNumber ?? index}
                dependent={dependent}
                creating={create.isPending && create.variables === dependent.idNumber}
                onCreate={() => dependent.idNumber && create.mutate(dependent.idNumber)}
              />
            ))}
          </Stack>
        )}
      </Pending>
    </Stack>
  );
}

function DependentCard({
  dependent,
  creating,
  onCreate,
}: {
  dependent: Dependent;
  creating: boolean;
  onCreate: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" radius="md" data-testid="dependent-item">
      <Stack gap={4}>
        <Group justify="space-between" gap="xs">
          <Text fw={600}>{dependent.fullName}</Text>
          {dependent.hasAccount === undefined ? null : (
            <Badge
              color={dependent.hasAccount ? 'teal' : 'gray'}
              variant="light"
              tt="none"
              data-testid="dependent-account"
            >
              {t(dependent.hasAccount ? 'dependents.hasAccount' : 'dependents.noAccount')}
            </Badge>
          )}
        </Group>
        {dependent.dateOfBirth ? (
          <Text size="sm">
            {t('fields.dateOfBirth')}: {formatDate(dependent.dateOfBirth)}
            {dependent.age === undefined ? '' : ` · ${t('dependents.age', { age: dependent.age })}`}
          </Text>
        ) : null}
        {dependent.relation === 'child' || dependent.relation === 'ward' ? (
          <Text size="sm" c="dimmed">
            {t(dependent.relation === 'child' ? 'dependents.child' : 'dependents.ward')}
          </Text>
        ) : null}
        {dependent.canCreateAccount ? (
          <Group justify="flex-end">
            <Button size="xs" onClick={onCreate} loading={creating} data-testid="dependent-create-account">
              {t('dependents.createAccount')}
            </Button>
          </Group>
        ) : dependent.hasAccount === false ? (
          <Text size="xs" c="dimmed" data-testid="dependent-needs-card">
            {t('dependents.needsCard')}
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}
