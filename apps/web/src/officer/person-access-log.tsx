import { Stack, Table, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccessLogEntry } from '../api/api.types.ts';
import { useSession } from '../session/session.context.tsx';
import { accessActionLabel, accessActorLabel, inLanguage } from '../shared/access-log-labels.ts';
import { formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { fieldLabel } from './labels.ts';
import { ACCESS_LOG_LIMIT, useAccessLog } from './officer.queries.ts';
import { Section } from './section.tsx';

/**
 * Who read or changed this person's data, newest first (supervisors only). Opening it calls
 * the access-log endpoint, which records that read on the same log.
 */
export function PersonAccessLog({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation();
  const captionId = useId();
  const { session } = useSession();
  const log = useAccessLog(idNumber, session?.role === 'supervisor');
  const entries = log.data ?? [];
  return (
    <Section title={t('accessLog.title')} testId="access-log-section">
      <Text size="sm" c="dimmed" data-testid="access-log-hint">
        {t('accessLog.selfLogged')}
      </Text>
      {log.isPending ? (
        <Text size="sm" role="status">
          {t('common.loading')}
        </Text>
      ) : log.isError ? (
        <ProblemAlert error={log.error} onRetry={() => void log.refetch()} />
      ) : entries.length === 0 ? (
        <Text size="sm">{t('accessLog.none')}</Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" id={captionId}>
            {t('accessLog.newestFirst', { limit: ACCESS_LOG_LIMIT })}
          </Text>
          <Table.ScrollContainer minWidth={820}>
            <Table
              aria-label={t('accessLog.caption')}
              aria-describedby={captionId}
              striped
              verticalSpacing="xs"
              data-testid="access-log-table"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('accessLog.columns.time')}</Table.Th>
                  <Table.Th scope="col">{t('accessLog.columns.actor')}</Table.Th>
                  <Table.Th scope="col">{t('accessLog.columns.action')}</Table.Th>
                  <Table.Th scope="col">{t('accessLog.columns.purpose')}</Table.Th>
                  <Table.Th scope="col">{t('accessLog.columns.legalBasis')}</Table.Th>
                  <Table.Th scope="col">{t('accessLog.columns.seal')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((entry) => (
                  <AccessLogRow key={entry.entryId} entry={entry} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Section>
  );
}

function AccessLogRow({ entry }: { entry: AccessLogEntry }) {
  const { t } = useTranslation();
  const fields = changedFields(entry);
  return (
    <Table.Tr data-testid="access-log-entry">
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={entry.recordedAt}>{formatDateTime(entry.recordedAt)}</time>
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="access-log-actor">
          {accessActorLabel(t, entry.actor)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={0}>
          <Text size="sm">{accessActionLabel(t, entry.action)}</Text>
          {fields.length > 0 ? (
            <Text size="xs" c="dimmed">
              {t('accessLog.fields', { fields: fields.map((field) => fieldLabel(t, field)).join(', ') })}
            </Text>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td>{inLanguage(entry.purposeText, entry.purpose) ?? t('common.none')}</Table.Td>
      <Table.Td>{inLanguage(entry.legalBasisText, entry.legalBasis) ?? t('common.none')}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {entry.leafIndex !== null ? (
          <Text size="sm" c="teal.8" fw={500}>
            {t('accessLog.sealed', { leafIndex: entry.leafIndex })}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t('accessLog.pending')}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** A correction names the fields it changed (never their values) in `details.fields`. */
function changedFields(entry: AccessLogEntry): string[] {
  if (entry.action !== 'registry.field_corrected') return [];
  const fields = entry.details?.fields;
  return Array.isArray(fields) ? fields.filter((field): field is string => typeof field === 'string') : [];
}
