import { Badge, Button, Code, CopyButton, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../shared/format.ts';
import { PageTitle } from '../../shared/page-title.tsx';
import { ProblemAlert } from '../../shared/problem-alert.tsx';
import { Fact, Facts } from '../section.tsx';
import { useAgencies, useDisableAgency } from './exchange.queries.ts';
import type { Agency, Purpose } from './exchange.types.ts';
import { useExchangeTranslation } from './exchange-i18n.ts';
import {
  documentKindLabel,
  exchangeEventTypeLabel,
  exchangeFieldLabel,
  formatCount,
  scopeLabel,
} from './exchange-labels.ts';
import { ListState, Notice } from './list-state.tsx';

/** `/officer/exchange/agencies` — registered agencies with their policy and limits; disable one. */
export function AgenciesPage() {
  const { t } = useExchangeTranslation();
  const agencies = useAgencies();
  const [disabling, setDisabling] = useState<Agency | null>(null);
  // The disabled agency's name; the notice is worded at render so it follows the language switch.
  const [disabledName, setDisabledName] = useState<string | null>(null);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <PageTitle order={1} size="h2" documentTitle={t('agencies.title')}>
          {t('agencies.title')}
        </PageTitle>
        <Button component={Link} to="/officer/exchange/agencies/new" data-testid="agency-register">
          {t('agencies.register')}
        </Button>
      </Group>
      <Text size="sm">{t('agencies.intro')}</Text>
      <Notice
        message={disabledName === null ? null : t('agencies.disabledNotice', { name: disabledName })}
        testId="exchange-notice"
      />
      <ListState query={agencies} empty={t('agencies.none')} emptyTestId="agencies-empty">
        {(list) => (
          <>
            <Text size="sm" c="dimmed">
              {t('agencies.count', { count: list.length })}
            </Text>
            <Stack gap="md" data-testid="agencies-list">
              {list.map((agency) => (
                <AgencyCard key={agency.agencyId} agency={agency} onDisable={() => setDisabling(agency)} />
              ))}
            </Stack>
          </>
        )}
      </ListState>
      <DisableDialog
        agency={disabling}
        onClose={() => setDisabling(null)}
        onDone={(agency) => {
          setDisabling(null);
          setDisabledName(agency.name);
        }}
      />
    </Stack>
  );
}

function AgencyCard({ agency, onDisable }: { agency: Agency; onDisable: () => void }) {
  const { t, language } = useExchangeTranslation();
  const headingId = useId();
  const count = (value: number) => formatCount(value, language);
  return (
    <Paper
      component="section"
      withBorder
      p="md"
      radius="md"
      aria-labelledby={headingId}
      data-testid="agency-item"
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="sm" wrap="wrap">
            <Title order={2} size="h4" id={headingId} data-testid="agency-name">
              {agency.name}
            </Title>
            <Badge
              color={agency.disabled ? 'gray' : 'teal'}
              variant="light"
              tt="none"
              data-testid="agency-status"
            >
              {t(agency.disabled ? 'agencies.disabled' : 'agencies.active')}
            </Badge>
          </Group>
          {agency.disabled ? null : (
            <Button
              size="xs"
              color="red"
              variant="outline"
              onClick={onDisable}
              aria-label={`${t('agencies.disable')}: ${agency.name}`}
              data-testid="agency-disable"
            >
              {t('agencies.disable')}
            </Button>
          )}
        </Group>
        <Facts>
          <Fact label={t('agencies.clientId')}>
            <Group gap={4} wrap="nowrap">
              <Code data-testid="agency-client-id" style={{ wordBreak: 'break-all' }}>
                {agency.agencyId}
              </Code>
              <CopyValue value={agency.agencyId} />
            </Group>
          </Fact>
          <Fact label={t('agencies.scopes')}>
            <Badges values={agency.scopes} label={(scope) => scopeLabel(t, scope)} />
          </Fact>
          <Fact label={t('agencies.purposes')}>
            <Stack gap="xs" data-testid="agency-purposes">
              {agency.purposes.map((purpose) => (
                <PurposeSummary key={purpose.code} purpose={purpose} />
              ))}
            </Stack>
          </Fact>
          <Fact label={t('agencies.eventTypes')}>
            {agency.eventTypes.length > 0
              ? agency.eventTypes.map((type) => exchangeEventTypeLabel(t, type)).join(', ')
              : null}
          </Fact>
          <Fact label={t('agencies.documentKinds')}>
            {agency.documentKinds.length > 0
              ? agency.documentKinds.map((kind) => documentKindLabel(t, kind)).join(', ')
              : null}
          </Fact>
          <Fact label={t('agencies.limits')}>
            {t('agencies.rate', { value: count(agency.ratePerSecond) })};{' '}
            {t('agencies.quota', { value: count(agency.quotaPerDay) })}
          </Fact>
          <Fact label={t('agencies.createdAt')}>
            <time dateTime={agency.createdAt}>{formatDateTime(agency.createdAt)}</time>
          </Fact>
        </Facts>
      </Stack>
    </Paper>
  );
}

function PurposeSummary({ purpose }: { purpose: Purpose }) {
  const { t } = useExchangeTranslation();
  return (
    <Stack gap={2} data-testid="agency-purpose">
      <Text size="sm">
        <Code>{purpose.code}</Code> {purpose.description}
      </Text>
      <Text size="xs">
        {t('agencies.legalBasis')}:{' '}
        {purpose.legalBasis ?? (
          <Text span size="xs" fw={600} c="orange.9">
            {t('agencies.needsConsent')}
          </Text>
        )}
      </Text>
      {purpose.fields.length > 0 ? (
        <Text size="xs">
          <Text span size="xs" c="dimmed">
            {t('agencies.fields')}:{' '}
          </Text>
          {purpose.fields.map((field) => exchangeFieldLabel(t, field)).join(', ')}
        </Text>
      ) : (
        <Text size="xs" c="dimmed">
          {t('agencies.noFields')}
        </Text>
      )}
    </Stack>
  );
}

function Badges({ values, label }: { values: readonly string[]; label: (value: string) => string }) {
  if (values.length === 0) return null;
  return (
    <Group gap={4} wrap="wrap">
      {values.map((value) => (
        <Badge key={value} variant="light" tt="none" title={value}>
          {label(value)}
        </Badge>
      ))}
    </Group>
  );
}

/** Copies an id to the clipboard; the button's text says when it has. */
export function CopyValue({ value }: { value: string }) {
  const { t } = useExchangeTranslation();
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="compact-xs" variant="subtle" color={copied ? 'teal' : undefined} onClick={copy}>
          {copied ? t('agencies.copied') : t('agencies.copy')}
        </Button>
      )}
    </CopyButton>
  );
}

function DisableDialog({
  agency,
  onClose,
  onDone,
}: {
  agency: Agency | null;
  onClose: () => void;
  onDone: (agency: Agency) => void;
}) {
  const { t } = useExchangeTranslation();
  const disable = useDisableAgency();
  // Keeps the name on screen while the dialog closes.
  const [shown, setShown] = useState<Agency | null>(null);
  if (agency && agency !== shown) setShown(agency);
  const close = () => {
    disable.reset();
    onClose();
  };
  return (
    <Modal
      opened={agency !== null}
      onClose={close}
      title={t('agencies.disableTitle')}
      data-testid="disable-dialog"
    >
      <Stack gap="md">
        {disable.error ? <ProblemAlert error={disable.error} /> : null}
        <Text size="sm">{t('agencies.disableConfirm', { name: shown?.name ?? '' })}</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            loading={disable.isPending}
            onClick={() => {
              if (!agency) return;
              disable.mutate(agency.agencyId, {
                onSuccess: () => {
                  disable.reset();
                  onDone(agency);
                },
              });
            }}
            data-testid="disable-submit"
          >
            {t('agencies.disableSubmit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
