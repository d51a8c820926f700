import { TextInput, type TextInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * A date typed as dd/mm/yyyy, whatever the browser's locale (a native date input would show
 * mm/dd/yyyy in an English-US browser). Read the value with `parseDate` (`shared/format.ts`),
 * which also accepts ISO `yyyy-mm-dd`.
 */
export function DateField(props: Omit<TextInputProps, 'type'>) {
  const { t } = useTranslation();
  return (
    <TextInput
      inputMode="numeric"
      placeholder={t('common.datePlaceholder')}
      description={t('common.dateHint')}
      maxLength={10}
      autoComplete="off"
      {...props}
    />
  );
}
