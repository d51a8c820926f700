import { Select, Stack, Table, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { formatDate } from '../../shared/format.ts';
import { PageTitle } from '../../shared/page-title.tsx';
import { USAGE_DAYS, useAgencies, useUsage } from './exchange.queries.ts';
import { useExchangeTranslation } from './exchange-i18n.ts';
import { formatCount, operationLabel } from './exchange-labels.ts';
import { type Pivot, pivotUsage } from './exchange-summaries.ts';
import { ListState } from './list-state.tsx';

/** `/officer/exchange/usage` — records per day and operation over the last 30 days, per agency. */
export function UsagePage() {
  const { t } = useExchangeTranslation();
  const [agencyId, setAgencyId] = useState<string | null>(null);
  const agencies = useAgencies();
  const usage = useUsage(agencyId);
  const names = new Map((agencies.data ?? []).map((agency) => [agency.agencyId, agency.name]));
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('usage.title')}>
        {t('usage.title')}
      </PageTitle>
      <Text size="sm">{t('usage.intro', { days: USAGE_DAYS })}</Text>
      <Select
        label={t('usage.agency')}
        data={[
          { value: '', label: t('usage.allAgencies') },
          ...(agencies.data ?? []).map((agency) => ({ value: agency.agencyId, label: agency.name })),
        ]}
        value={agencyId ?? ''}
        onChange={(value) => setAgencyId(value ? value : null)}
        allowDeselect={false}
        maw={420}
        data-testid="usage-agency-filter"
      />
      <ListState query={usage} empty={t('usage.none', { days: USAGE_DAYS })} emptyTestId="usage-empty">
        {(items) => (
          <>
            <UsageTable
              title={t('usage.totalsTitle')}
              pivot={pivotUsage(items, false)}
              names={names}
              testId="usage-totals"
            />
            <UsageTable
              title={t('usage.dailyTitle')}
              pivot={pivotUsage(items, true)}
              names={names}
              showAgency={agencyId === null}
              testId="usage-daily"
            />
          </>
        )}
      </ListState>
    </Stack>
  );
}

function UsageTable({
  title,
  pivot,
  names,
  showAgency = true,
  testId,
}: {
  title: string;
  pivot: Pivot;
  names: ReadonlyMap<string, string>;
  showAgency?: boolean;
  testId: string;
}) {
  const { t, language } = useExchangeTranslation();
  const headingId = useId();
  const count = (value: number) => formatCount(value, language);
  const perDay = pivot.rows.some((row) => row.day !== undefined);
  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={2} size="h4" id={headingId}>
        {title}
      </Title>
      <Table.ScrollContainer minWidth={420 + pivot.operations.length * 110}>
        <Table aria-labelledby={headingId} striped verticalSpacing="xs" data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              {perDay ? <Table.Th scope="col">{t('usage.day')}</Table.Th> : null}
              {showAgency ? <Table.Th scope="col">{t('usage.agency')}</Table.Th> : null}
              {pivot.operations.map((operation) => (
                <Table.Th key={operation} scope="col" ta="right">
                  {operationLabel(t, operation)}
                </Table.Th>
              ))}
              <Table.Th scope="col" ta="right">
                {t('usage.total')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pivot.rows.map((row) => (
              <Table.Tr key={row.key} data-testid="usage-row">
                {row.day !== undefined ? (
                  <Table.Th scope="row" fw={500} style={{ whiteSpace: 'nowrap' }}>
                    <time dateTime={row.day}>{formatDate(row.day)}</time>
                  </Table.Th>
                ) : null}
                {showAgency ? (
                  perDay ? (
                    <Table.Td>{names.get(row.agencyId) ?? row.agencyId}</Table.Td>
                  ) : (
                    <Table.Th scope="row" fw={500}>
                      {names.get(row.agencyId) ?? row.agencyId}
                    </Table.Th>
                  )
                ) : null}
                {pivot.operations.map((operation) => (
                  <Table.Td key={operation} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {count(row.counts.get(operation) ?? 0)}
                  </Table.Td>
                ))}
                <Table.Td ta="right" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {count(row.total)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
