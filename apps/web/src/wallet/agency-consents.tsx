import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { citizenApi, items } from '../citizen/citizen.api.ts';
import { useExchangeTranslation } from '../officer/exchange/exchange-i18n.ts';
import { exchangeFieldLabel } from '../officer/exchange/exchange-labels.ts';
import { formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { useWalletAction } from './mutation.ts';
import { Pending } from './pending.tsx';

interface AgencyConsent {
  consentId: string;
  agencyId: string;
  agencyName: string;
  purpose: string;
  grantedAt: string;
  expiresAt: string | null;
  withdrawnAt: string | null;
}

interface Consentable {
  agencyId: string;
  agencyName: string;
  purposes: { code: string; description: string; fields: string[] }[];
}

const exchangeMe = (...segments: string[]) =>
  `/api/exchange/v1/me/${segments.map(encodeURIComponent).join('/')}`;
const consentsKey = ['exchange', 'me', 'consents'];

/**
 * The agencies that may look up the citizen's data only with their consent (purposes without a
 * legal basis): consent per agency and purpose, withdrawable; part of `/wallet/consents`.
 */
export function AgencyConsents() {
  const { t } = useExchangeTranslation();
  const consents = useQuery({
    queryKey: consentsKey,
    queryFn: ({ signal }) => citizenApi.get<{ items: AgencyConsent[] }>(exchangeMe('consents'), signal),
    select: items,
  });
  const consentable = useQuery({
    queryKey: ['exchange', 'me', 'consentable'],
    queryFn: ({ signal }) => citizenApi.get<{ items: Consentable[] }>(exchangeMe('consentable'), signal),
    select: items,
  });
  const grant = useWalletAction(
    (target: { agencyId: string; purpose: string }) => citizenApi.post(exchangeMe('consents'), target),
    [consentsKey],
  );
  const withdraw = useWalletAction(
    (consentId: string) => citizenApi.delete(exchangeMe('consents', consentId)),
    [consentsKey],
  );
  const active = (consents.data ?? []).filter((consent) => consent.withdrawnAt === null);
  const activeFor = (agencyId: string, purpose: string) =>
    active.find((consent) => consent.agencyId === agencyId && consent.purpose === purpose);
  const offers = (consentable.data ?? []).flatMap((agency) =>
    agency.purposes.map((purpose) => ({ agency, purpose })),
  );
  return (
    <Stack gap="sm" data-testid="agency-consents">
      <Title order={2} size="h3">
        {t('walletConsents.title')}
      </Title>
      <Text size="sm">{t('walletConsents.intro')}</Text>
      {grant.error ? <ProblemAlert error={grant.error} /> : null}
      {withdraw.error ? <ProblemAlert error={withdraw.error} /> : null}
      <div role="status" aria-live="polite" className="visually-hidden">
        {grant.isSuccess
          ? t('walletConsents.granted')
          : withdraw.isSuccess
            ? t('walletConsents.withdrawn')
            : ''}
      </div>
      <Pending query={consentable}>
        {offers.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="agency-consents-empty">
            {t('walletConsents.none')}
          </Text>
        ) : (
          offers.map(({ agency, purpose }) => {
            const consent = activeFor(agency.agencyId, purpose.code);
            const key = `${agency.agencyId}/${purpose.code}`;
            return (
              <Card key={key} withBorder radius="md" padding="sm" data-testid="agency-consent-item">
                <Stack gap={4}>
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600}>{agency.agencyName}</Text>
                    {consent ? (
                      <Badge color="green" variant="light" data-testid="agency-consent-active">
                        {t('walletConsents.active')}
                      </Badge>
                    ) : null}
                  </Group>
                  <Text size="sm">{purpose.description}</Text>
                  <Text size="xs" c="dimmed">
                    {t('walletConsents.fields', {
                      fields: purpose.fields.map((field) => exchangeFieldLabel(t, field)).join(', '),
                    })}
                  </Text>
                  {consent ? (
                    <Text size="xs" c="dimmed">
                      {t('walletConsents.grantedAt', { time: formatDateTime(consent.grantedAt) })}
                    </Text>
                  ) : null}
                  <Group justify="flex-end">
                    {consent ? (
                      <Button
                        size="xs"
                        color="red"
                        variant="outline"
                        onClick={() => withdraw.mutate(consent.consentId)}
                        loading={withdraw.isPending && withdraw.variables === consent.consentId}
                        data-testid="agency-consent-withdraw"
                      >
                        {t('walletConsents.withdraw')}
                      </Button>
                    ) : (
                      <Button
                        size="xs"
                        onClick={() => grant.mutate({ agencyId: agency.agencyId, purpose: purpose.code })}
                        loading={grant.isPending && grant.variables?.agencyId === agency.agencyId}
                        data-testid="agency-consent-grant"
                      >
                        {t('walletConsents.grant')}
                      </Button>
                    )}
                  </Group>
                </Stack>
              </Card>
            );
          })
        )}
      </Pending>
    </Stack>
  );
}
