import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { identityPath } from '../api/api-client.ts';
import type { SessionInfo } from '../api/identity.types.ts';
import { citizenApi, useSessions } from '../citizen/citizen.api.ts';
import { formatDateTime } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { useWalletAction } from './mutation.ts';
import { Pending } from './pending.tsx';
import { deviceLabel, levelOfAcr } from './session-labels.ts';

const sessionsKey = ['identity', 'me', 'sessions'] as const;

/** `/wallet/sessions` — where the account is logged in; end one, or all but this one. */
export function SessionsPage() {
  const { t } = useTranslation();
  const sessions = useSessions();
  const endOne = useWalletAction(
    (sessionId: string) => citizenApi.delete(identityPath('me', 'sessions', sessionId)),
    [sessionsKey],
  );
  const endOthers = useWalletAction(() => citizenApi.delete(identityPath('me', 'sessions')), [sessionsKey]);
  const list = sessions.data ?? [];
  const others = list.filter((session) => !session.current);
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.sessions')}>
        {t('wallet.nav.sessions')}
      </PageTitle>
      <Text size="sm">{t('sessions.intro')}</Text>
      {endOne.error || endOthers.error ? <ProblemAlert error={endOne.error ?? endOthers.error} /> : null}
      <div role="status" aria-live="polite" className="visually-hidden">
        {endOne.isSuccess || endOthers.isSuccess ? t('sessions.ended') : ''}
      </div>
      <Pending query={sessions}>
        <Stack gap="sm" data-testid="sessions-list">
          {list.map((session) => (
            <SessionCard
              key={session.sessionId}
              session={session}
              onEnd={() => endOne.mutate(session.sessionId)}
              ending={endOne.isPending && endOne.variables === session.sessionId}
            />
          ))}
        </Stack>
        {others.length > 0 ? (
          <Button
            color="red"
            variant="outline"
            onClick={() => endOthers.mutate(undefined)}
            loading={endOthers.isPending}
            data-testid="sessions-end-others"
          >
            {t('sessions.endOthers')}
          </Button>
        ) : null}
      </Pending>
    </Stack>
  );
}

function SessionCard({
  session,
  onEnd,
  ending,
}: {
  session: SessionInfo;
  onEnd: () => void;
  ending: boolean;
}) {
  const { t } = useTranslation();
  const level = levelOfAcr(session.acr);
  return (
    <Card withBorder radius="md" padding="sm" data-testid="session-item">
      <Stack gap={4}>
        <Group justify="space-between" gap="xs">
          <Text fw={600} size="sm">
            {deviceLabel(t, session)}
          </Text>
          <Group gap={4}>
            {session.current ? (
              <Badge color="teal" tt="none" data-testid="session-current">
                {t('sessions.current')}
              </Badge>
            ) : null}
            {level ? (
              <Badge variant="light" tt="none">
                {t(level === 2 ? 'level.badge2' : 'level.badge1')}
              </Badge>
            ) : null}
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {t('sessions.started', { time: formatDateTime(session.authTime ?? session.createdAt) })}
          {session.lastSeenAt
            ? ` · ${t('sessions.lastSeen', { time: formatDateTime(session.lastSeenAt) })}`
            : ''}
        </Text>
        {session.amr && session.amr.length > 0 ? (
          <Text size="xs" c="dimmed">
            {t('sessions.factors', { factors: session.amr.map((f) => amrLabel(t, f)).join(', ') })}
          </Text>
        ) : null}
        {!session.current ? (
          <Group justify="flex-end">
            <Button
              size="xs"
              color="red"
              variant="subtle"
              onClick={onEnd}
              loading={ending}
              data-testid="session-end"
            >
              {t('sessions.end')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}

function amrLabel(t: ReturnType<typeof useTranslation>['t'], value: string): string {
  switch (value) {
    case 'pwd':
      return t('amr.pwd');
    case 'sms':
      return t('amr.sms');
    case 'otp':
      return t('amr.otp');
    case 'hwk':
    case 'swk':
      return t('amr.passkey');
    case 'mca':
      return t('amr.qr');
    case 'user':
      return t('amr.user');
    default:
      return value;
  }
}
