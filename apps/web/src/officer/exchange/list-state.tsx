import { Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Pending } from '../../wallet/pending.tsx';

/** A list query's loading, error and empty states; the children once there is something to list. */
export function ListState<T>({
  query,
  empty,
  emptyTestId,
  children,
}: {
  query: UseQueryResult<T[]>;
  empty: string;
  emptyTestId: string;
  children: (items: T[]) => ReactNode;
}) {
  const items = query.data ?? [];
  return (
    <Pending query={query}>
      {items.length > 0 ? (
        children(items)
      ) : (
        <Text size="sm" c="dimmed" data-testid={emptyTestId}>
          {empty}
        </Text>
      )}
    </Pending>
  );
}

/** The outcome of the last action, announced politely; the live region stays mounted so it is read. */
export function Notice({ message, testId }: { message: string | null; testId: string }) {
  return (
    <div role="status" aria-live="polite">
      {message ? (
        <Text size="sm" c="teal.8" data-testid={testId}>
          {message}
        </Text>
      ) : null}
    </div>
  );
}
