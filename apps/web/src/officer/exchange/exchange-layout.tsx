import { Alert, Anchor, Group, Stack, Text } from '@mantine/core';
import { NavLink, Outlet } from 'react-router';
import { PageTitle } from '../../shared/page-title.tsx';
import { useIsNationalSupervisor } from './exchange.queries.ts';
import { useExchangeTranslation } from './exchange-i18n.ts';
import './exchange.css';

/**
 * `/officer/exchange/*`: the agencies that use the population data, their usage, matching jobs
 * and undelivered events. National supervisors only — the navigation entry is hidden from
 * other officers, and this page tells one who types the address that it is not theirs (the API
 * would refuse them anyway).
 */
export function ExchangeLayout() {
  const { t } = useExchangeTranslation();
  const allowed = useIsNationalSupervisor();
  if (!allowed) {
    return (
      <Stack gap="md">
        <PageTitle order={1} size="h2" documentTitle={t('nav')}>
          {t('nav')}
        </PageTitle>
        <Alert color="yellow" variant="light" role="alert" data-testid="exchange-forbidden">
          {t('forbidden')}
        </Alert>
      </Stack>
    );
  }
  const links = [
    { to: '/officer/exchange/agencies', label: t('tabs.agencies'), testId: 'exchange-nav-agencies' },
    { to: '/officer/exchange/usage', label: t('tabs.usage'), testId: 'exchange-nav-usage' },
    { to: '/officer/exchange/jobs', label: t('tabs.jobs'), testId: 'exchange-nav-jobs' },
    {
      to: '/officer/exchange/dead-letters',
      label: t('tabs.deadLetters'),
      testId: 'exchange-nav-dead-letters',
    },
  ];
  return (
    <Stack gap="md">
      <nav aria-label={t('subNav')} className="exchange-nav">
        <Group gap="md" wrap="wrap">
          {links.map((link) => (
            <Anchor key={link.to} component={NavLink} to={link.to} size="sm" data-testid={link.testId}>
              {link.label}
            </Anchor>
          ))}
        </Group>
      </nav>
      <Outlet />
      <Text size="xs" c="dimmed">
        {t('noPersonalData')}
      </Text>
    </Stack>
  );
}
