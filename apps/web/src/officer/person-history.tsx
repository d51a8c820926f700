import { Box, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonEvent } from '../api/api.types.ts';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { describeChange } from './change-value.ts';
import { eventTypeLabel, fieldLabel } from './labels.ts';
import { usePersonHistory } from './officer.queries.ts';
import { Fact, Facts, Section } from './section.tsx';

const residenceFields = ['permanentAddress', 'temporaryResidence', 'currentResidence'] as const;

function newestFirst(events: PersonEvent[]): PersonEvent[] {
  return [...events].sort((a, b) => b.version - a.version);
}

/** Every recorded event, newest first: what changed, when it took effect, who recorded it and why. */
export function PersonHistorySection({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation();
  const history = usePersonHistory(idNumber);
  const events = history.data ? newestFirst(history.data) : [];
  return (
    <Section title={t('person.sections.history')} testId="history-section">
      {history.isPending ? (
        <Text size="sm" role="status">
          {t('common.loading')}
        </Text>
      ) : history.isError ? (
        <ProblemAlert error={history.error} onRetry={() => void history.refetch()} />
      ) : events.length === 0 ? (
        <Text size="sm">{t('history.none')}</Text>
      ) : (
        <>
          <Text size="xs" c="dimmed">
            {t('history.newestFirst')}
          </Text>
          <Timeline bulletSize={14} lineWidth={2} active={events.length} role="list">
            {events.map((event) => (
              <Timeline.Item
                key={event.version}
                role="listitem"
                data-testid="history-event"
                title={
                  <Title order={3} size="h6">
                    {eventTypeLabel(t, event.type)}
                  </Title>
                }
              >
                <EventDetails event={event} />
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      )}
    </Section>
  );
}

function EventDetails({ event }: { event: PersonEvent }) {
  const { t } = useTranslation();
  const changes = Object.entries(event.changes ?? {});
  const previous = event.previous ?? null;
  return (
    <Stack gap={6} mt={4}>
      <Text size="sm">
        {event.effectiveDate ? `${t('history.effectiveDate')}: ${formatDate(event.effectiveDate)} · ` : ''}
        {t('history.recordedAt')}: <time dateTime={event.recordedAt}>{formatDateTime(event.recordedAt)}</time>
      </Text>
      <Text size="sm">
        {t('history.actor')}: {event.actor}
        {event.actorUnit ? ` · ${t('history.actorUnit')}: ${event.actorUnit}` : ''}
      </Text>
      {event.reason ? (
        <Text size="sm">
          {t('history.reason')}: {event.reason}
        </Text>
      ) : null}
      {event.legalBasis ? (
        <Text size="sm">
          {t('history.legalBasis')}: {event.legalBasis}
        </Text>
      ) : null}
      {changes.length > 0 ? (
        <Box>
          <Text size="sm" fw={600}>
            {t('history.changes')}
          </Text>
          <Facts>
            {changes.map(([field, value]) => {
              const after = describeChange(t, field, value);
              const before =
                previous && field in previous
                  ? previous[field] === null
                    ? t('common.none')
                    : describeChange(t, field, previous[field])
                  : null;
              return (
                <Fact key={field} label={fieldLabel(t, field)}>
                  {before === null
                    ? after
                    : `${t('history.before')}: ${before} → ${t('history.after')}: ${after}`}
                </Fact>
              );
            })}
          </Facts>
        </Box>
      ) : null}
    </Stack>
  );
}

/** Residence over time: the events whose changes touch permanent, temporary or current residence. */
export function ResidenceHistory({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation();
  const headingId = useId();
  const history = usePersonHistory(idNumber);
  const rows = newestFirst(history.data ?? []).flatMap((event) =>
    residenceFields
      .filter((field) => Object.hasOwn(event.changes ?? {}, field))
      .map((field) => ({ event, field, value: event.changes[field] })),
  );
  return (
    <Box mt="sm" data-testid="residence-history">
      <Title order={3} size="h5" id={headingId} mb="xs">
        {t('person.sections.residenceHistory')}
      </Title>
      {history.isPending ? (
        <Text size="sm" role="status">
          {t('common.loading')}
        </Text>
      ) : history.isError ? null : rows.length === 0 ? (
        <Text size="sm">{t('history.residenceNone')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-labelledby={headingId} striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('history.residenceColumns.date')}</Table.Th>
                <Table.Th scope="col">{t('history.residenceColumns.event')}</Table.Th>
                <Table.Th scope="col">{t('history.residenceColumns.kind')}</Table.Th>
                <Table.Th scope="col">{t('history.residenceColumns.value')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map(({ event, field, value }) => (
                <Table.Tr key={`${event.version}-${field}`}>
                  <Table.Td>
                    {event.effectiveDate ? formatDate(event.effectiveDate) : formatDateTime(event.recordedAt)}
                  </Table.Td>
                  <Table.Td>{eventTypeLabel(t, event.type)}</Table.Td>
                  <Table.Td>{fieldLabel(t, field)}</Table.Td>
                  <Table.Td>{describeChange(t, field, value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Box>
  );
}
