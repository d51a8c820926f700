import { DataList, Paper, Stack, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

/** A titled region of the person page: a landmark named by its heading. */
export function Section({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  const headingId = useId();
  return (
    <Paper
      component="section"
      withBorder
      p="md"
      radius="md"
      aria-labelledby={headingId}
      data-testid={testId}
      h="100%"
    >
      <Stack gap="sm">
        <Title order={2} size="h4" id={headingId}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** Label/value pairs as a description list (dt/dd). */
export function Facts({ children }: { children: ReactNode }) {
  // On a phone the label goes above its value, leaving the full width for addresses.
  const narrow = useMediaQuery('(max-width: 36em)');
  return (
    <DataList size="sm" labelWidth="11rem" withDivider orientation={narrow ? 'vertical' : 'horizontal'}>
      {children}
    </DataList>
  );
}

/** One pair; an empty value shows a dash rather than a blank. */
export function Fact({ label, children }: { label: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const empty = children === null || children === undefined || children === '' || children === false;
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{empty ? t('common.none') : children}</DataList.ItemValue>
    </DataList.Item>
  );
}
