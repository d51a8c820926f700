import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { identityPath } from '../api/api-client.ts';
import type { PasskeyOptions, TotpStart } from '../api/identity.types.ts';
import { citizenApi, meKey, usePasskeys } from '../citizen/citizen.api.ts';
import { QrCanvas } from '../citizen/qr-code.tsx';
import { isOtpCode, MIN_PASSWORD_LENGTH, normaliseCode, WebAuthnFailure } from '../citizen/validation.ts';
import { formatDateTime } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { useWalletAction } from './mutation.ts';
import { Pending } from './pending.tsx';
import { PasswordRules } from './register.page.tsx';
import { useAccount } from './wallet-layout.tsx';

const passkeysKey = ['identity', 'me', 'passkeys'] as const;

/** `/wallet/security` — passkeys, authenticator app (TOTP), password. */
export function SecurityPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('wallet.nav.security')}>
        {t('wallet.nav.security')}
      </PageTitle>
      <Passkeys />
      <Totp />
      <ChangePassword />
    </Stack>
  );
}

function Block({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  const id = useId();
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id} data-testid={testId}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function ActionError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (error instanceof WebAuthnFailure)
    return (
      <Alert color="red" variant="light" role="alert" data-testid="problem-alert">
        {t('security.passkeyCancelled')}
      </Alert>
    );
  return <ProblemAlert error={error} />;
}

function Passkeys() {
  const { t } = useTranslation();
  const passkeys = usePasskeys();
  const add = useWalletAction(async () => {
    const { challengeId, options } = await citizenApi.post<
      PasskeyOptions<Parameters<typeof startRegistration>[0]['optionsJSON']>
    >(identityPath('me', 'passkeys', 'options'));
    let response: Awaited<ReturnType<typeof startRegistration>>;
    try {
      response = await startRegistration({ optionsJSON: options });
    } catch {
      throw new WebAuthnFailure();
    }
    return citizenApi.post(identityPath('me', 'passkeys'), { challengeId, response });
  }, [passkeysKey]);
  const remove = useWalletAction(
    (id: string) => citizenApi.delete(identityPath('me', 'passkeys', id)),
    [passkeysKey],
  );
  return (
    <Block title={t('security.passkeysTitle')} testId="security-passkeys">
      <Text size="sm">{t('security.passkeysIntro')}</Text>
      <ActionError error={add.error ?? remove.error} />
      <div role="status" aria-live="polite">
        {add.isSuccess ? (
          <Text size="sm" c="teal.8" data-testid="passkey-added">
            {t('security.passkeyAdded')}
          </Text>
        ) : null}
      </div>
      <Pending query={passkeys}>
        {(passkeys.data ?? []).length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('security.noPasskeys')}
          </Text>
        ) : (
          <Stack gap="xs">
            {(passkeys.data ?? []).map((passkey, index) => (
              <Card key={passkey.passkeyId} withBorder padding="xs" data-testid="passkey-item">
                <Group justify="space-between" gap="xs">
                  <Stack gap={0}>
                    <Text size="sm" fw={500}>
                      {passkey.label ?? t('security.passkeyName', { n: index + 1 })}
                    </Text>
                    {passkey.createdAt ? (
                      <Text size="xs" c="dimmed">
                        {t('security.added', { time: formatDateTime(passkey.createdAt) })}
                      </Text>
                    ) : null}
                  </Stack>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => remove.mutate(passkey.passkeyId)}
                    loading={remove.isPending && remove.variables === passkey.passkeyId}
                  >
                    {t('security.remove')}
                  </Button>
                </Group>
              </Card>
            ))}
          </Stack>
        )}
      </Pending>
      <Button onClick={() => add.mutate(undefined)} loading={add.isPending} data-testid="passkey-add">
        {t('security.addPasskey')}
      </Button>
    </Block>
  );
}

function Totp() {
  const { t } = useTranslation();
  const account = useAccount();
  const [setup, setSetup] = useState<{ uri: string; secret: string | undefined } | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const start = useWalletAction(async () => {
    const started = await citizenApi.post<TotpStart>(identityPath('me', 'totp'));
    const uri = started.otpauthUri ?? started.otpauthUrl ?? started.uri ?? '';
    setSetup({ uri, secret: started.secret });
    setCode('');
  }, []);
  const confirm = useWalletAction(
    (value: string) => citizenApi.post(identityPath('me', 'totp', 'confirm'), { code: value }),
    [meKey],
  );
  const disable = useWalletAction(() => citizenApi.delete(identityPath('me', 'totp')), [meKey]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = normaliseCode(code);
    if (!isOtpCode(value)) {
      setCodeError(t('citizen.codeInvalid'));
      return;
    }
    setCodeError(null);
    confirm.mutate(value, { onSuccess: () => setSetup(null) });
  };

  return (
    <Block title={t('security.totpTitle')} testId="security-totp">
      <Text size="sm">{t('security.totpIntro')}</Text>
      <ActionError error={start.error ?? confirm.error ?? disable.error} />
      <div role="status" aria-live="polite">
        {confirm.isSuccess && !setup && account.totpEnabled !== false ? (
          <Text size="sm" c="teal.8" data-testid="totp-enabled">
            {t('security.totpOn')}
          </Text>
        ) : disable.isSuccess ? (
          <Text size="sm" data-testid="totp-disabled">
            {t('security.totpDisabled')}
          </Text>
        ) : null}
      </div>
      {setup ? (
        <form onSubmit={submit} noValidate aria-label={t('security.totpTitle')}>
          <Stack gap="sm">
            <Text size="sm">{t('security.totpScan')}</Text>
            <QrCanvas
              text={setup.uri}
              label={t('security.totpQrLabel')}
              textLabel={t('security.totpUriLabel')}
              testId="totp-qr"
              size={200}
              showText={false}
            />
            {setup.secret ? (
              <Text size="sm">
                {t('security.totpSecret')}{' '}
                <Text span ff="monospace" data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
                  {setup.secret}
                </Text>
              </Text>
            ) : null}
            <TextInput
              label={t('security.totpCode')}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={codeError}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              data-testid="totp-code"
            />
            <Group gap="sm">
              <Button type="submit" loading={confirm.isPending} data-testid="totp-confirm">
                {t('security.totpConfirm')}
              </Button>
              <Button variant="default" onClick={() => setSetup(null)}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : account.totpEnabled ? (
        <Group gap="sm" justify="space-between">
          <Group gap="xs">
            <Badge color="teal" tt="none" data-testid="totp-state">
              {t('security.stateOn')}
            </Badge>
            <Text size="sm">{t('security.totpOn')}</Text>
          </Group>
          <Button
            size="xs"
            variant="outline"
            color="red"
            onClick={() => {
              confirm.reset();
              disable.mutate(undefined);
            }}
            loading={disable.isPending}
            data-testid="totp-disable"
          >
            {t('security.totpDisable')}
          </Button>
        </Group>
      ) : (
        <Group gap="sm" justify="space-between">
          <Text size="sm" c="dimmed" data-testid="totp-off">
            {t('security.totpOff')}
          </Text>
          <Button
            variant="outline"
            onClick={() => {
              disable.reset();
              start.mutate(undefined);
            }}
            loading={start.isPending}
            data-testid="totp-start"
          >
            {t('security.totpEnable')}
          </Button>
        </Group>
      )}
    </Block>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useWalletAction(
    (body: { currentPassword: string; newPassword: string }) =>
      citizenApi.post(identityPath('me', 'password'), body),
    [['identity', 'me', 'sessions']],
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!current) found.current = t('citizen.passwordRequired');
    if ([...next].length < MIN_PASSWORD_LENGTH) found.next = t('password.tooShort');
    if (again !== next) found.again = t('password.mismatch');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setAgain('');
        },
      },
    );
  };
  return (
    <Block title={t('security.passwordTitle')} testId="security-password">
      <form onSubmit={submit} noValidate aria-label={t('security.passwordTitle')}>
        <Stack gap="sm">
          <PasswordRules />
          <Text size="xs" c="dimmed">
            {t('security.passwordEndsSessions')}
          </Text>
          {change.error ? <ProblemAlert error={change.error} /> : null}
          <div role="status" aria-live="polite">
            {change.isSuccess ? (
              <Text size="sm" c="teal.8" data-testid="password-changed">
                {t('security.passwordChanged')}
              </Text>
            ) : null}
          </div>
          <PasswordInput
            label={t('security.currentPassword')}
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={errors.current}
            autoComplete="current-password"
          />
          <PasswordInput
            label={t('password.new')}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={errors.next}
            autoComplete="new-password"
          />
          <PasswordInput
            label={t('password.confirm')}
            value={again}
            onChange={(e) => setAgain(e.currentTarget.value)}
            error={errors.again}
            autoComplete="new-password"
          />
          <Button type="submit" loading={change.isPending}>
            {t('security.changePassword')}
          </Button>
        </Stack>
      </form>
    </Block>
  );
}
