import { Alert, Paper, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { LoginMethods } from '../citizen/login-methods.tsx';
import { PageTitle } from '../shared/page-title.tsx';
import { WalletFrame } from './wallet-frame.tsx';

/** `/wallet/login` — password + code or passkey; the server sets the HttpOnly session cookie. */
export function WalletLoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const notice = (useLocation().state as { notice?: 'loggedOut' | 'expired' } | null)?.notice;
  const loggedIn = useCallback(() => {
    // Whatever an earlier account left in the cache goes before the new one is read.
    queryClient.clear();
    void navigate('/wallet', { replace: true });
  }, [queryClient, navigate]);
  return (
    <WalletFrame>
      <Paper withBorder p={{ base: 'md', sm: 'xl' }} radius="md">
        <Stack gap="md">
          <PageTitle order={1} size="h2" documentTitle={t('citizen.loginTitle')}>
            {t('citizen.loginTitle')}
          </PageTitle>
          <Text size="sm">{t('citizen.loginIntro')}</Text>
          {notice ? (
            <Alert color={notice === 'expired' ? 'yellow' : 'blue'} variant="light" role="status">
              {t(notice === 'expired' ? 'wallet.sessionExpired' : 'wallet.loggedOut')}
            </Alert>
          ) : null}
          <LoginMethods onLoggedIn={loggedIn} />
        </Stack>
      </Paper>
    </WalletFrame>
  );
}
