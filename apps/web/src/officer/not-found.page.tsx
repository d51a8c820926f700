import { Anchor, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AppFrame } from '../app/app-frame.tsx';
import { PageTitle } from '../shared/page-title.tsx';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <AppFrame audience={null}>
      <Stack gap="md">
        <PageTitle size="h2" documentTitle={t('errors.notFoundPage')}>
          {t('errors.notFoundPage')}
        </PageTitle>
        <Text>{t('errors.notFoundPageText')}</Text>
        <Anchor component={Link} to="/">
          {t('errors.goHome')}
        </Anchor>
      </Stack>
    </AppFrame>
  );
}
