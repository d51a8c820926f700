import { Box, Container, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../shared/language-switch.tsx';

/**
 * Page chrome shared by every screen: skip link, banner, main landmark, footer. `audience`
 * names the surface in the banner (the officer console unless told otherwise).
 */
export function AppFrame({
  headerExtra,
  children,
  audience,
  footer,
  size = 'lg',
}: {
  headerExtra?: ReactNode;
  children: ReactNode;
  audience?: string;
  footer?: string;
  size?: 'xs' | 'sm' | 'md' | 'lg';
}) {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Box
        component="header"
        bg="white"
        py="sm"
        style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
      >
        <Container size="lg">
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Group gap={6} wrap="nowrap">
              <Text fw={700} size="lg" c="blue.9">
                {t('app.name')}
              </Text>
              <Text size="sm" aria-hidden="true">
                ·
              </Text>
              <Text size="sm" fw={500}>
                {audience ?? t('app.officerConsole')}
              </Text>
            </Group>
            <Group gap="sm" wrap="wrap" justify="flex-end">
              {headerExtra}
              <LanguageSwitch />
            </Group>
          </Group>
        </Container>
      </Box>
      <Box component="main" id="main" tabIndex={-1}>
        <Container size={size} py="lg" px={{ base: 'sm', sm: 'md' }}>
          {children}
        </Container>
      </Box>
      <Box component="footer" py="md" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
        <Container size="lg">
          <Text size="xs" c="dimmed">
            {footer ?? t('app.footer')}
          </Text>
        </Container>
      </Box>
    </>
  );
}
