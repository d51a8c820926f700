import { Alert, Badge, Group, NavLink, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { accountName } from '../citizen/citizen.api.ts';
import { formatDate } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { LevelBadge } from './level-badge.tsx';
import { useAccount } from './wallet-layout.tsx';

const links = [
  { to: '/wallet/scan', key: 'scan' },
  { to: '/wallet/sessions', key: 'sessions' },
  { to: '/wallet/security', key: 'security' },
  { to: '/wallet/consents', key: 'consents' },
  { to: '/wallet/access-log', key: 'accessLog' },
  { to: '/wallet/dependents', key: 'dependents' },
  { to: '/wallet/lock', key: 'lock' },
] as const;

/** `/wallet` — the account, its level and what level 2 means, the electronic ID summary, the menu. */
export function WalletHomePage() {
  const { t } = useTranslation();
  const account = useAccount();
  const locked = account.status === 'locked';
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.homeTitle')}>
        {t('wallet.homeTitle')}
      </PageTitle>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="wallet-account-title">
        <Stack gap="xs">
          <Title order={2} size="h4" id="wallet-account-title">
            {t('wallet.eidCard')}
          </Title>
          <Text fw={700} size="lg" data-testid="wallet-account-name">
            {accountName(account)}
          </Text>
          <Group gap="xs">
            <LevelBadge level={account.level} />
            {locked ? (
              <Badge color="red" tt="none" data-testid="wallet-locked-badge">
                {t('wallet.locked')}
              </Badge>
            ) : null}
          </Group>
          <Stack gap={2}>
            {account.idNumber ? (
              <Text size="sm">
                {t('fields.idNumber')}:{' '}
                <Text span ff="monospace" data-testid="wallet-id-number">
                  {account.idNumber}
                </Text>
              </Text>
            ) : null}
            {account.dateOfBirth ? (
              <Text size="sm" data-testid="wallet-date-of-birth">
                {t('fields.dateOfBirth')}: {formatDate(account.dateOfBirth)}
              </Text>
            ) : null}
            {account.maskedPhone ? (
              <Text size="sm">
                {t('fields.phone')}: {account.maskedPhone}
              </Text>
            ) : null}
          </Stack>
        </Stack>
      </Paper>
      {account.level === 2 ? (
        <Alert color="teal" variant="light" title={t('level.level2Title')} data-testid="level-explainer">
          {t('level.level2Have')}
        </Alert>
      ) : (
        <Alert color="blue" variant="light" title={t('level.level1Title')} data-testid="level-explainer">
          <Stack gap={4}>
            <Text size="sm">{t('level.level2What')}</Text>
            <Text size="sm">{t('level.level2How')}</Text>
          </Stack>
        </Alert>
      )}
      <nav aria-label={t('wallet.menu')}>
        <Paper withBorder radius="md">
          {links.map((link) => (
            <NavLink
              key={link.key}
              component={Link}
              to={link.to}
              label={t(`wallet.nav.${link.key}`)}
              description={t(`wallet.navHint.${link.key}`)}
              data-testid={`wallet-nav-${link.key}`}
            />
          ))}
        </Paper>
      </nav>
    </Stack>
  );
}
