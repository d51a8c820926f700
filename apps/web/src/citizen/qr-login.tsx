import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { identityPath } from '../api/api-client.ts';
import type { QrLogin, QrLoginStatus } from '../api/identity.types.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { citizenApi } from './citizen.api.ts';
import { QrCanvas } from './qr-code.tsx';

const POLL_MS = 1500;

/**
 * "Log in with the wallet app": the desktop shows a QR, the citizen's logged-in wallet
 * scans and approves it, and the first poll after approval sets this browser's own session
 * cookie. Polls stop when the panel unmounts.
 */
export function QrLoginPanel({ onLoggedIn, clientName }: { onLoggedIn: () => void; clientName?: string }) {
  const { t } = useTranslation();
  const [qr, setQr] = useState<QrLogin | null>(null);
  const [status, setStatus] = useState<QrLoginStatus>('pending');
  const [error, setError] = useState<unknown>(null);

  const start = useCallback(async () => {
    setError(null);
    setStatus('pending');
    setQr(null);
    try {
      // Informational for the approver ("Cổng Dịch vụ công asks"); the server bounds and cleans it.
      const body = clientName ? { clientName: clientName.slice(0, 100) } : {};
      setQr(await citizenApi.post<QrLogin>(identityPath('qr-logins'), body));
    } catch (caught) {
      setError(caught);
    }
  }, [clientName]);

  useEffect(() => {
    void start();
  }, [start]);

  useEffect(() => {
    if (!qr || status !== 'pending') return;
    let stopped = false;
    const timer = window.setInterval(async () => {
      try {
        const answer = await citizenApi.get<{ status: QrLoginStatus }>(
          identityPath('qr-logins', qr.qrLoginId),
        );
        if (stopped) return;
        if (answer.status !== 'pending') setStatus(answer.status);
        if (answer.status === 'approved') onLoggedIn();
      } catch (caught) {
        if (!stopped) setError(caught);
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [qr, status, onLoggedIn]);

  return (
    <Stack gap="sm" align="stretch" data-testid="qr-login">
      <Text size="sm">{t('qrLogin.instructions')}</Text>
      {error ? <ProblemAlert error={error} onRetry={() => void start()} /> : null}
      {qr ? (
        <QrCanvas
          text={qr.qrText}
          label={t('qrLogin.qrLabel')}
          textLabel={t('qrLogin.textLabel')}
          testId="qr-login-code"
        />
      ) : !error ? (
        <Center py="md">
          <Loader size="sm" aria-hidden="true" />
        </Center>
      ) : null}
      <div role="status" aria-live="polite" data-testid="qr-login-status">
        {qr && status === 'pending' ? (
          <Text size="sm" c="dimmed">
            {t('qrLogin.waiting')}
          </Text>
        ) : status === 'approved' ? (
          <Text size="sm">{t('qrLogin.approved')}</Text>
        ) : null}
      </div>
      {status === 'expired' || status === 'denied' ? (
        <Alert color={status === 'denied' ? 'red' : 'yellow'} variant="light" role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t(status === 'denied' ? 'qrLogin.denied' : 'qrLogin.expired')}</Text>
            <Button size="xs" variant="outline" onClick={() => void start()} data-testid="qr-login-restart">
              {t('qrLogin.newCode')}
            </Button>
          </Stack>
        </Alert>
      ) : null}
    </Stack>
  );
}
