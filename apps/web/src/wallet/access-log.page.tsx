import { Card, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AccessLog } from '../api/api.types.ts';
import { citizenApi } from '../citizen/citizen.api.ts';
import { accessActionLabel, accessActorLabel, inLanguage } from '../shared/access-log-labels.ts';
import { formatDateTime } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { Pending } from './pending.tsx';

const LIMIT = 50;

/** `/wallet/access-log` — who read or changed my data (the audit log's citizen view), newest first. */
export function AccessLogPage() {
  const { t } = useTranslation();
  const log = useQuery({
    queryKey: ['audit', 'me', 'access-log'],
    queryFn: ({ signal }) => citizenApi.get<AccessLog>(`/api/audit/v1/me/access-log?limit=${LIMIT}`, signal),
    select: (data) => data.items,
  });
  const entries = log.data ?? [];
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.accessLog')}>
        {t('wallet.nav.accessLog')}
      </PageTitle>
      <Text size="sm">{t('walletAccessLog.intro')}</Text>
      <Pending query={log}>
        {entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('accessLog.none')}
          </Text>
        ) : (
          <Stack gap="xs" data-testid="wallet-access-log">
            <Text size="xs" c="dimmed">
              {t('accessLog.newestFirst', { limit: LIMIT })}
            </Text>
            {entries.map((entry) => {
              const purpose = inLanguage(entry.purposeText, entry.purpose);
              const legalBasis = inLanguage(entry.legalBasisText, entry.legalBasis);
              return (
                <Card
                  key={entry.entryId}
                  withBorder
                  padding="xs"
                  radius="md"
                  data-testid="wallet-access-log-entry"
                >
                  <Stack gap={2}>
                    <Text size="sm" fw={600} data-testid="wallet-access-log-action">
                      {accessActionLabel(t, entry.action)}
                    </Text>
                    <Text size="xs" data-testid="wallet-access-log-time">
                      <time dateTime={entry.recordedAt}>{formatDateTime(entry.recordedAt)}</time>
                    </Text>
                    <Text size="xs" data-testid="wallet-access-log-actor">
                      {t('accessActor.by', { actor: accessActorLabel(t, entry.actor) })}
                    </Text>
                    {purpose ? (
                      <Text size="xs" c="dimmed" data-testid="wallet-access-log-purpose">
                        {t('accessActor.purpose', { purpose })}
                      </Text>
                    ) : null}
                    {legalBasis ? (
                      <Text size="xs" c="dimmed">
                        {t('accessActor.legalBasis', { legalBasis })}
                      </Text>
                    ) : null}
                    <Text size="xs" c={entry.leafIndex !== null ? 'teal.8' : 'dimmed'}>
                      {entry.leafIndex !== null
                        ? t('accessLog.sealed', { leafIndex: entry.leafIndex })
                        : t('accessLog.pending')}
                    </Text>
                  </Stack>
                </Card>
              );
            })}
          </Stack>
        )}
      </Pending>
    </Stack>
  );
}
