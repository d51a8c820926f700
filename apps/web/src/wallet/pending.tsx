import { Center, Loader, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../shared/problem-alert.tsx';

/** A query's loading and error states; the children once it has data. */
export function Pending({ query, children }: { query: UseQueryResult<unknown>; children: ReactNode }) {
  const { t } = useTranslation();
  if (query.isPending)
    return (
      <Center py="md" role="status" aria-live="polite">
        <Loader size="sm" aria-hidden="true" />
        <Text ml="sm" size="sm">
          {t('common.loading')}
        </Text>
      </Center>
    );
  if (query.isError) return <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children}</>;
}
