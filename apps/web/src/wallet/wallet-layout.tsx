import { Anchor, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useNavigate, useOutletContext } from 'react-router';
import { ApiError, identityPath } from '../api/api-client.ts';
import type { Account } from '../api/identity.types.ts';
import { citizenApi, useMe } from '../citizen/citizen.api.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { WalletFrame } from './wallet-frame.tsx';

/**
 * The logged-in wallet. The session is the HttpOnly cookie; whether there is one is learnt
 * from `GET /me` (401: none, so the citizen goes to the login page).
 */
export function WalletLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const location = useLocation();
  const [loggingOut, setLoggingOut] = useState(false);

  if (me.isError && me.error instanceof ApiError && me.error.status === 401)
    return <Navigate to="/wallet/login" replace />;

  const logout = async () => {
    setLoggingOut(true);
    try {
      await citizenApi.post(identityPath('logout'));
    } catch {
      // The cookie may already be gone; the local state is cleared either way.
    }
    queryClient.clear();
    void navigate('/wallet/login', { replace: true, state: { notice: 'loggedOut' } });
  };

  return (
    <WalletFrame
      headerExtra={
        me.data ? (
          <Button
            size="xs"
            variant="default"
            onClick={() => void logout()}
            loading={loggingOut}
            data-testid="wallet-logout"
          >
            {t('wallet.logout')}
          </Button>
        ) : null
      }
    >
      {me.isPending ? (
        <Center py="xl" role="status" aria-live="polite">
          <Loader size="md" aria-hidden="true" />
          <Text ml="sm">{t('common.loading')}</Text>
        </Center>
      ) : me.isError ? (
        <ProblemAlert error={me.error} onRetry={() => void me.refetch()} />
      ) : (
        <Stack gap="md">
          {location.pathname !== '/wallet' && location.pathname !== '/wallet/' ? (
            <Anchor component={Link} to="/wallet" size="sm" data-testid="wallet-back-home">
              ← {t('wallet.backHome')}
            </Anchor>
          ) : null}
          <Outlet context={{ account: me.data } satisfies WalletContext} />
        </Stack>
      )}
    </WalletFrame>
  );
}

interface WalletContext {
  account: Account;
}

export function useAccount(): Account {
  return useOutletContext<WalletContext>().account;
}
