import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet } from 'react-router';
import { AppFrame } from '../app/app-frame.tsx';
import { useSession } from '../session/session.context.tsx';
import { useIsNationalSupervisor } from './exchange/exchange.queries.ts';
import { useRecordsTranslation } from './records/records-i18n.ts';
import { SearchStateProvider } from './search-state.context.tsx';

/** The signed-in officer's frame: unit and sign-out in the banner. Without a session, sign-in. */
export function OfficerLayout() {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const { session, signOut } = useSession();
  const nationalSupervisor = useIsNationalSupervisor();
  if (!session) return <Navigate to="/officer/sign-in" replace />;
  const { me } = session;
  return (
    <AppFrame
      headerExtra={
        <Group gap="sm" wrap="wrap">
          <Stack gap={0} data-testid="officer-unit" aria-label={t('header.unit')}>
            <Group gap={6} wrap="nowrap">
              <Text size="sm" fw={600}>
                {me.unit.name}
              </Text>
              <Badge size="sm" variant="light" color="gray">
                {t(`unitLevel.${me.unit.level}`)}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {t('header.officer')}: {me.officerId}
            </Text>
          </Stack>
          <Button size="xs" variant="default" onClick={() => signOut('signedOut')} data-testid="sign-out">
            {t('header.signOut')}
          </Button>
        </Group>
      }
    >
      <nav aria-label={t('header.mainNav')}>
        <Group gap="md" mb="md">
          <Anchor component={NavLink} to="/officer" end size="sm" fw={500} data-testid="nav-search">
            {t('header.search')}
          </Anchor>
          <Anchor component={NavLink} to="/officer/records" size="sm" fw={500} data-testid="nav-records">
            {rt('nav')}
          </Anchor>
          {nationalSupervisor ? (
            <Anchor component={NavLink} to="/officer/exchange" size="sm" fw={500} data-testid="nav-exchange">
              {t('header.exchange')}
            </Anchor>
          ) : null}
        </Group>
      </nav>
      <SearchStateProvider>
        <Outlet />
      </SearchStateProvider>
    </AppFrame>
  );
}
