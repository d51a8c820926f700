import { Box, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonEvent } from '../api/api.types.ts';
import { vi } from '../i18n/vi.ts';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { describeFieldChange, describeValue } from './change-value.ts';
import { fieldLabel } from './labels.ts';
import { usePersonHistory } from './officer.queries.ts';
import { actorText, eventTypeText } from './records/event-labels.ts';
import { type RecordsT, useRecordsTranslation } from './records/records-i18n.ts';
import { Fact, Facts, Section } from './section.tsx';

const residenceFields = ['permanentAddress', 'temporaryResidence', 'currentResidence'] as const;

// Stored changes come back in the database's key order; show them in the record's own order.
const fieldNames = Object.keys(vi.fields);
const fieldOrder = (field: string) => {
  const index = fieldNames.indexOf(field);
  return index < 0 ? fieldNames.length : index;
};

function newestFirst(events: PersonEvent[]): PersonEvent[] {
  return [...events].sort((a, b) => b.version - a.version);
}

/** Every recorded event, newest first: what changed, when it took effect, who recorded it and why. */
export function PersonHistorySection({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
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
                  <Title order={3} size="h6" data-testid="history-event-type">
                    {eventTypeText(rt, event.type)}
                  </Title>
                }
              >
                <EventDetails event={event} rt={rt} />
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      )}
    </Section>
  );
}

function EventDetails({ event, rt }: { event: PersonEvent; rt: RecordsT }) {
  const { t } = useTranslation();
  const changes = Object.entries(event.changes ?? {}).sort(([a], [b]) => fieldOrder(a) - fieldOrder(b));
  const previous = event.previous ?? null;
  return (
    <Stack gap={6} mt={4}>
      <Text size="sm">
        {event.effectiveDate ? `${t('history.effectiveDate')}: ${formatDate(event.effectiveDate)} · ` : ''}
        {t('history.recordedAt')}: <time dateTime={event.recordedAt}>{formatDateTime(event.recordedAt)}</time>
      </Text>
      <Text size="sm" data-testid="history-actor">
        {t('history.actor')}: {actorText(t, rt, event)}
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
              const change = describeFieldChange(t, rt, field, value, previous);
              return (
                <Fact key={field} label={fieldLabel(t, field)}>
                  <span data-testid="history-change" data-field={field}>
                    {change.before === undefined
                      ? change.after
                      : `${t('history.before')}: ${change.before} → ${t('history.after')}: ${change.after}`}
                  </span>
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
  const rt = useRecordsTranslation();
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
                  <Table.Td>{eventTypeText(rt, event.type)}</Table.Td>
                  <Table.Td>{fieldLabel(t, field)}</Table.Td>
                  <Table.Td>{describeValue(t, rt, field, value)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Box>
  );
}
