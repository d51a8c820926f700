import { Alert, Button, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.ts';
import { isLanguage } from '../i18n/i18n.ts';

/**
 * An error from the API in the reader's language: the problem document's `messages[lang]`
 * when the server sent one, a local message otherwise. Rendered as role="alert" so screen
 * readers announce it.
 */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'vi';
  let message: string;
  if (error instanceof ApiError) {
    message =
      error.problem?.messages?.[lang] ??
      (error.code === 'ERR_NETWORK'
        ? t('errors.network')
        : error.code === 'ERR_BAD_RESPONSE'
          ? t('errors.unexpected')
          : t('errors.generic', { status: error.status }));
  } else {
    message = t('errors.unexpected');
  }
  return (
    <Alert color="red" variant="light" title={t('errors.title')} role="alert" data-testid="problem-alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        {onRetry ? (
          <Button size="xs" variant="outline" color="red" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}
