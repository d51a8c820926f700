import { Button, Group, TextInput, type TextInputProps } from '@mantine/core';
import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';

/** A 6-digit one-time code field: numeric keyboard, the browser's SMS-code autofill. */
export const CodeInput = forwardRef<HTMLInputElement, TextInputProps & { 'data-testid'?: string }>(
  function CodeInput(props, ref) {
    const { t } = useTranslation();
    return (
      <TextInput
        ref={ref}
        label={t('citizen.codeLabel')}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        required
        {...props}
      />
    );
  },
);

/** A 12-digit personal ID number field. */
export function IdNumberInput(props: TextInputProps & { 'data-testid'?: string }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('fields.idNumber')}
      description={t('search.idNumberDescription')}
      inputMode="numeric"
      maxLength={12}
      required
      {...props}
    />
  );
}

/** Approve / Deny side by side; both disabled while either is being sent. */
export function DecisionButtons({
  pending,
  onDecide,
  approveLabel,
  denyLabel,
  testIdPrefix,
}: {
  pending: null | 'approve' | 'deny' | (string & {});
  onDecide: (approve: boolean) => void;
  approveLabel: string;
  denyLabel: string;
  testIdPrefix: string;
}) {
  return (
    <Group gap="sm" grow>
      <Button
        onClick={() => onDecide(true)}
        loading={pending === 'approve'}
        disabled={pending !== null}
        data-testid={`${testIdPrefix}-approve`}
      >
        {approveLabel}
      </Button>
      <Button
        variant="outline"
        color="red"
        onClick={() => onDecide(false)}
        loading={pending === 'deny'}
        disabled={pending !== null}
        data-testid={`${testIdPrefix}-deny`}
      >
        {denyLabel}
      </Button>
    </Group>
  );
}
