import { Button, Card, Group, List, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { oidcPath } from '../api/api-client.ts';
import { citizenApi, useConsents } from '../citizen/citizen.api.ts';
import { claimLabel, claimName, sharedItems } from '../citizen/claims.ts';
import { formatDateTime } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { AgencyConsents } from './agency-consents.tsx';
import { useWalletAction } from './mutation.ts';
import { Pending } from './pending.tsx';

/** `/wallet/consents` — which services may receive which data; each consent can be withdrawn. */
export function ConsentsPage() {
  const { t } = useTranslation();
  const consents = useConsents();
  const revoke = useWalletAction(
    (id: string) => citizenApi.delete(oidcPath('me', 'consents', id)),
    [['oidc', 'me', 'consents']],
  );
  const list = consents.data ?? [];
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.consents')}>
        {t('wallet.nav.consents')}
      </PageTitle>
      <Text size="sm">{t('consents.intro')}</Text>
      {revoke.error ? <ProblemAlert error={revoke.error} /> : null}
      <div role="status" aria-live="polite" className="visually-hidden">
        {revoke.isSuccess ? t('consents.revoked') : ''}
      </div>
      <Pending query={consents}>
        {list.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="consents-empty">
            {t('consents.none')}
          </Text>
        ) : (
          <Stack gap="sm" data-testid="consents-list">
            {list.map((consent) => {
              // Consent is withdrawn per relying party.
              const id = consent.clientId;
              return (
                <Card key={id} withBorder radius="md" padding="sm" data-testid="consent-item">
                  <Stack gap={4}>
                    <Text fw={600}>{consent.clientName ?? consent.clientId}</Text>
                    {consent.grantedAt ? (
                      <Text size="xs" c="dimmed">
                        {t('consents.grantedAt', {
                          time: formatDateTime(consent.updatedAt ?? consent.grantedAt),
                        })}
                      </Text>
                    ) : null}
                    <Text size="sm">{t('consents.shares')}</Text>
                    <List size="sm">
                      {sharedItems(consent.claims, consent.scopes).map((claim) => (
                        <List.Item key={claimName(claim)}>{claimLabel(t, claim)}</List.Item>
                      ))}
                    </List>
                    <Group justify="flex-end">
                      <Button
                        size="xs"
                        color="red"
                        variant="outline"
                        onClick={() => revoke.mutate(id)}
                        loading={revoke.isPending && revoke.variables === id}
                        data-testid="consent-revoke"
                      >
                        {t('consents.revoke')}
                      </Button>
                    </Group>
                  </Stack>
                </Card>
              );
            })}
          </Stack>
        )}
      </Pending>
      <AgencyConsents />
    </Stack>
  );
}
