import {
  Alert,
  Anchor,
  Button,
  Center,
  Divider,
  Group,
  List,
  Loader,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { identityPath, oidcPath } from '../api/api-client.ts';
import type { Account, Interaction, RedirectTo } from '../api/identity.types.ts';
import { AppFrame } from '../app/app-frame.tsx';
import { accountName, citizenApi, meKey } from '../citizen/citizen.api.ts';
import { claimLabel, claimName, sharedItems } from '../citizen/claims.ts';
import { DecisionButtons } from '../citizen/fields.tsx';
import { LoginMethods } from '../citizen/login-methods.tsx';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { LevelBadge } from '../wallet/level-badge.tsx';

/** Leaves the single-page app for the provider's next step (or the relying party). */
function leaveTo(redirectTo: string) {
  window.location.assign(redirectTo);
}

function clientName(interaction: Interaction): string {
  return interaction.client.name ?? interaction.client.clientName ?? interaction.client.clientId ?? '';
}

/**
 * `/login/:uid` — the OpenID provider's interaction page (the uid is the provider's opaque
 * interaction id). Login: continue with the current identity session, or log in with password
 * + code, a passkey or the wallet app by QR. Consent: exactly what the service will receive.
 * Who the citizen is never travels in a body: the server reads the session cookie.
 */
export function InteractionPage() {
  const { uid = '' } = useParams();
  const { t } = useTranslation();
  const interaction = useQuery({
    queryKey: ['oidc', 'interaction', uid],
    queryFn: ({ signal }) => citizenApi.get<Interaction>(oidcPath('interactions', uid), signal),
    staleTime: 0,
  });
  const data = interaction.data;
  return (
    <AppFrame audience={t('login.audience')} footer={t('wallet.footer')} size="sm">
      <Paper withBorder p={{ base: 'md', sm: 'xl' }} radius="md">
        {interaction.isPending ? (
          <Center py="xl" role="status" aria-live="polite">
            <Loader size="md" aria-hidden="true" />
            <Text ml="sm">{t('common.loading')}</Text>
          </Center>
        ) : interaction.isError ? (
          <Stack gap="md">
            <PageTitle order={1} size="h2" documentTitle={t('login.title')}>
              {t('login.title')}
            </PageTitle>
            <ProblemAlert error={interaction.error} />
            <Text size="sm">{t('login.expiredHint')}</Text>
          </Stack>
        ) : data?.prompt === 'consent' ? (
          <ConsentStep interaction={data} />
        ) : data ? (
          <LoginStep interaction={data} onChanged={() => void interaction.refetch()} />
        ) : null}
      </Paper>
    </AppFrame>
  );
}

function LoginStep({ interaction, onChanged }: { interaction: Interaction; onChanged: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<null | 'continue' | 'cancel'>(null);
  const [otherAccount, setOtherAccount] = useState(false);
  const satisfies = (interaction.session?.satisfies ?? false) && !interaction.stepUpRequired;
  // The interaction says a session exists, not whose: the name comes from the identity API.
  const me = useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => citizenApi.get<Account>(identityPath('me'), signal),
    enabled: Boolean(interaction.session),
  });
  const sessionAccount = interaction.session ? me.data : undefined;
  const name = clientName(interaction);

  const finish = useCallback(async () => {
    setError(null);
    setPending('continue');
    try {
      const { redirectTo } = await citizenApi.post<RedirectTo>(
        oidcPath('interactions', interaction.uid, 'login'),
      );
      leaveTo(redirectTo);
    } catch (caught) {
      setError(caught);
      setPending(null);
      onChanged();
    }
  }, [interaction.uid, onChanged]);

  // After a fresh login, ask the provider again: it may now want an upgrade instead.
  const afterLogin = useCallback(async () => {
    const next = await queryClient.fetchQuery({
      queryKey: ['oidc', 'interaction', interaction.uid],
      queryFn: () => citizenApi.get<Interaction>(oidcPath('interactions', interaction.uid)),
      staleTime: 0,
    });
    if (next.upgradeRequired || next.stepUpRequired) return;
    await finish();
  }, [queryClient, interaction.uid, finish]);

  const onLoggedIn = useCallback(() => void afterLogin().catch(setError), [afterLogin]);

  const cancel = async () => {
    setError(null);
    setPending('cancel');
    try {
      const { redirectTo } = await citizenApi.post<RedirectTo>(
        oidcPath('interactions', interaction.uid, 'abort'),
        {
          reason: interaction.upgradeRequired ? 'upgrade_required' : 'cancelled',
        },
      );
      leaveTo(redirectTo);
    } catch (caught) {
      setError(caught);
      setPending(null);
    }
  };

  const switchAccount = async () => {
    // End the current identity session so the next login is a different account's.
    await citizenApi.post(identityPath('logout')).catch(() => undefined);
    queryClient.removeQueries({ queryKey: meKey });
    setOtherAccount(true);
  };

  const heading = (
    <Stack gap={4}>
      <PageTitle order={1} size="h2" documentTitle={t('login.title')}>
        {t('login.title')}
      </PageTitle>
      <Text size="sm" data-testid="login-client-name">
        {t('login.forService', { name })}
      </Text>
    </Stack>
  );

  if (interaction.upgradeRequired) {
    return (
      <Stack gap="md" data-testid="login-upgrade">
        {heading}
        <Alert color="orange" variant="light" title={t('login.upgradeTitle')} role="alert">
          <Stack gap={4}>
            <Text size="sm">{t('login.upgradeText', { name })}</Text>
            <Text size="sm">{t('level.level2How')}</Text>
          </Stack>
        </Alert>
        {error ? <ProblemAlert error={error} /> : null}
        <Group gap="sm">
          <Button
            variant="outline"
            onClick={() => void cancel()}
            loading={pending === 'cancel'}
            data-testid="login-cancel"
          >
            {t('login.cancel')}
          </Button>
          <Button variant="subtle" onClick={() => void switchAccount().then(onChanged)}>
            {t('login.otherAccount')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      {heading}
      {interaction.requiredLevel === 2 ? (
        <Text size="sm" c="dimmed" data-testid="login-level-required">
          {t('login.needsLevel2')}
        </Text>
      ) : null}
      {interaction.stepUpRequired && !otherAccount ? (
        <Alert color="yellow" variant="light" role="status" data-testid="login-step-up">
          {t('login.stepUp')}
        </Alert>
      ) : null}
      {error ? <ProblemAlert error={error} /> : null}
      {satisfies && !otherAccount ? (
        <Stack gap="sm">
          <Group gap="xs">
            <Text size="sm">{t('login.signedInAs')}</Text>
            <Text fw={600}>{accountName(sessionAccount)}</Text>
            {sessionAccount ? <LevelBadge level={sessionAccount.level} /> : null}
          </Group>
          <Button onClick={() => void finish()} loading={pending === 'continue'} data-testid="login-continue">
            {sessionAccount
              ? t('login.continueAs', { name: accountName(sessionAccount) })
              : t('login.continue')}
          </Button>
          <Button variant="subtle" onClick={() => void switchAccount()} data-testid="login-other-account">
            {t('login.otherAccount')}
          </Button>
        </Stack>
      ) : (
        <LoginMethods onLoggedIn={onLoggedIn} clientName={clientName(interaction)} />
      )}
      <Divider />
      <Anchor
        component="button"
        type="button"
        size="sm"
        onClick={() => void cancel()}
        data-testid="login-cancel"
      >
        {t('login.cancelBack', { name })}
      </Anchor>
    </Stack>
  );
}

function ConsentStep({ interaction }: { interaction: Interaction }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<null | 'approve' | 'deny'>(null);
  const name = clientName(interaction);
  const shared = sharedItems(interaction.claims, interaction.scopes);

  const decide = async (approve: boolean) => {
    setError(null);
    setPending(approve ? 'approve' : 'deny');
    try {
      const { redirectTo } = await citizenApi.post<RedirectTo>(
        oidcPath('interactions', interaction.uid, 'consent'),
        {
          approve,
        },
      );
      leaveTo(redirectTo);
    } catch (caught) {
      setError(caught);
      setPending(null);
    }
  };

  return (
    <Stack gap="md" data-testid="consent-step">
      <PageTitle order={1} size="h2" documentTitle={t('consent.title')}>
        {t('consent.title')}
      </PageTitle>
      <Text data-testid="consent-client-name">{t('consent.asks', { name })}</Text>
      <Title order={2} size="h5">
        {t('consent.listTitle')}
      </Title>
      {shared.length > 0 ? (
        <List spacing={4} data-testid="consent-claims">
          {shared.map((claim) => (
            <List.Item key={claimName(claim)} data-testid="consent-claim">
              {claimLabel(t, claim)}
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm">{t('consent.nothing')}</Text>
      )}
      <Text size="xs" c="dimmed">
        {t('consent.remembered')}
      </Text>
      {error ? <ProblemAlert error={error} /> : null}
      <DecisionButtons
        pending={pending}
        onDecide={(approve) => void decide(approve)}
        approveLabel={t('consent.approve')}
        denyLabel={t('consent.deny')}
        testIdPrefix="consent"
      />
    </Stack>
  );
}
