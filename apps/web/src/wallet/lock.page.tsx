import { Alert, Button, Checkbox, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { identityPath } from '../api/api-client.ts';
import { citizenApi } from '../citizen/citizen.api.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';

/**
 * `/wallet/lock` — the holder locks their own account (a lost phone, a suspected intrusion).
 * Every session ends at once, this one too; only the commune police can unlock.
 */
export function LockPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [sure, setSure] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const lock = async () => {
    setPending(true);
    setError(null);
    try {
      await citizenApi.post(identityPath('me', 'lock'));
      queryClient.clear();
      void navigate('/wallet/login', { replace: true, state: { notice: 'loggedOut' } });
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.lock')}>
        {t('wallet.nav.lock')}
      </PageTitle>
      <Alert color="orange" variant="light">
        <Stack gap={4}>
          <Text size="sm">{t('lock.what')}</Text>
          <Text size="sm">{t('lock.unlockHow')}</Text>
        </Stack>
      </Alert>
      {error ? <ProblemAlert error={error} /> : null}
      <Checkbox
        checked={sure}
        onChange={(e) => setSure(e.currentTarget.checked)}
        label={t('lock.confirm')}
        data-testid="lock-confirm"
      />
      <Button
        color="red"
        disabled={!sure}
        loading={pending}
        onClick={() => void lock()}
        data-testid="lock-submit"
      >
        {t('lock.submit')}
      </Button>
    </Stack>
  );
}
