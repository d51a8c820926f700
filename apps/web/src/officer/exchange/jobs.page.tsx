import { Badge, Code, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../shared/format.ts';
import { PageTitle } from '../../shared/page-title.tsx';
import { useAgencyNames, useMatchingJobs } from './exchange.queries.ts';
import { type JobStatus, jobStatuses, type MatchingJob } from './exchange.types.ts';
import { useExchangeTranslation } from './exchange-i18n.ts';
import { formatCount, jobStatusLabel, outcomeLabel } from './exchange-labels.ts';
import { countByStatus } from './exchange-summaries.ts';
import { ListState } from './list-state.tsx';

const statusColours: Record<JobStatus, string> = {
  uploading: 'blue',
  queued: 'gray',
  matching: 'indigo',
  done: 'teal',
  failed: 'red',
};

/** `/officer/exchange/jobs` — agencies' bulk matching jobs with their progress and outcome counts. */
export function JobsPage() {
  const { t, language } = useExchangeTranslation();
  const jobs = useMatchingJobs();
  const names = useAgencyNames();
  const count = (value: number) => formatCount(value, language);
  return (
    <Stack gap="md">
      <PageTitle order={1} size="h2" documentTitle={t('jobs.title')}>
        {t('jobs.title')}
      </PageTitle>
      <Text size="sm">{t('jobs.intro')}</Text>
      <ListState query={jobs} empty={t('jobs.none')} emptyTestId="jobs-empty">
        {(list) => (
          <>
            <Group
              gap="xs"
              wrap="wrap"
              role="list"
              aria-label={t('jobs.statusCounts')}
              data-testid="jobs-status-counts"
            >
              {jobStatuses.map((status) => (
                <Badge
                  key={status}
                  role="listitem"
                  color={statusColours[status]}
                  variant="light"
                  tt="none"
                  size="lg"
                >
                  {jobStatusLabel(t, status)}: {count(countByStatus(list)[status])}
                </Badge>
              ))}
            </Group>
            <Table.ScrollContainer minWidth={900}>
              <Table aria-label={t('jobs.title')} striped verticalSpacing="xs" data-testid="jobs-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('jobs.job')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.agency')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.purpose')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.status')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.progress')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.outcomes')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.createdAt')}</Table.Th>
                    <Table.Th scope="col">{t('jobs.finishedAt')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((job) => (
                    <Table.Tr key={job.jobId} data-testid="job-row">
                      <Table.Td>
                        <Code>{job.jobId}</Code>
                      </Table.Td>
                      <Table.Td>{names.get(job.agencyId) ?? job.agencyId}</Table.Td>
                      <Table.Td>
                        <Code>{job.purpose}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          color={statusColours[job.status] ?? 'gray'}
                          variant="light"
                          tt="none"
                          data-testid="job-status"
                        >
                          {jobStatusLabel(t, job.status)}
                        </Badge>
                      </Table.Td>
                      <Table.Td miw={180}>
                        <JobProgress job={job} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {Object.entries(job.counts)
                            .filter(([, n]) => n > 0)
                            .map(([outcome, n]) => `${outcomeLabel(t, outcome)}: ${count(n)}`)
                            .join('; ') || t('none')}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <time dateTime={job.createdAt}>{formatDateTime(job.createdAt)}</time>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {job.finishedAt ? (
                          <time dateTime={job.finishedAt}>{formatDateTime(job.finishedAt)}</time>
                        ) : (
                          t('none')
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </ListState>
    </Stack>
  );
}

function JobProgress({ job }: { job: MatchingJob }) {
  const { t, language } = useExchangeTranslation();
  const count = (value: number) => formatCount(value, language);
  // While uploading the total is still growing; a job with no rows is complete at zero.
  const percent =
    job.recordsTotal > 0
      ? Math.min(100, (job.recordsDone / job.recordsTotal) * 100)
      : job.status === 'done'
        ? 100
        : 0;
  const text = t('jobs.progressText', {
    done: count(job.recordsDone),
    total: count(job.recordsTotal),
  });
  return (
    <Stack gap={2}>
      <Progress.Root size="md">
        {/* Mantine's own aria-valuetext says only "n%"; the records done and total are more telling. */}
        <Progress.Section
          value={percent}
          color={job.status === 'failed' ? 'red' : job.status === 'done' ? 'teal' : 'blue'}
          animated={job.status === 'matching'}
          withAria={false}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(percent)}
          aria-valuetext={text}
          aria-label={t('jobs.progressLabel', { jobId: job.jobId })}
          data-testid="job-progress"
        />
      </Progress.Root>
      <Text size="xs" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {text}
      </Text>
    </Stack>
  );
}
