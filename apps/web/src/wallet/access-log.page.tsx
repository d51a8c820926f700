import { Card, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AccessLog } from '../api/api.types.ts';
import { citizenApi } from '../citizen/citizen.api.ts';
import { accessActionLabel, actorKindLabel } from '../officer/labels.ts';
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
            {entries.map((entry) => (
              <Card
                key={entry.entryId}
                withBorder
                padding="xs"
                radius="md"
                data-testid="wallet-access-log-entry"
              >
                <Stack gap={2}>
                  <Text size="sm" fw={600}>
                    {accessActionLabel(t, entry.action)}
                  </Text>
                  <Text size="xs">
                    <time dateTime={entry.recordedAt}>{formatDateTime(entry.recordedAt)}</time> ·{' '}
                    {actorKindLabel(t, entry.actor.kind)} {entry.actor.id}
                    {entry.actor.unit ? ` · ${t('accessLog.unit', { unit: entry.actor.unit })}` : ''}
                  </Text>
                  {entry.purpose ? (
                    <Text size="xs" c="dimmed">
                      {t('accessLog.columns.purpose')}: {entry.purpose}
                    </Text>
                  ) : null}
                  <Text size="xs" c={entry.leafIndex !== null ? 'teal.8' : 'dimmed'}>
                    {entry.leafIndex !== null
                      ? t('accessLog.sealed', { leafIndex: entry.leafIndex })
                      : t('accessLog.pending')}
                  </Text>
                </Stack>
              </Card>
            ))}
          </Stack>
        )}
      </Pending>
    </Stack>
  );
}
