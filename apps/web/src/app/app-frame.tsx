import { Anchor, Box, Container, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LanguageSwitch } from '../shared/language-switch.tsx';
import { useAuthorityName } from './site.ts';

/**
 * Page chrome shared by every screen: skip link; a banner naming the operating authority, the
 * platform (its mark links to the front page) and the surface; the main landmark; a footer with
 * the authority and the surface's notice. `audience` names the surface (the officer console
 * unless told otherwise; `null` on the front page, which is every surface's home).
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
  audience?: string | null;
  footer?: string;
  size?: 'xs' | 'sm' | 'md' | 'lg';
}) {
  const { t } = useTranslation();
  const authority = useAuthorityName();
  const surface = audience === undefined ? t('app.officerConsole') : audience;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Box component="header" className="dd-header">
        <div className="dd-authority">
          <Container size="lg" px={{ base: 'sm', sm: 'md' }}>
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text
                size="xs"
                fw={500}
                data-testid="authority-name"
                mih="1.2em"
                style={{ flex: 1, minWidth: 0 }}
              >
                {authority}
              </Text>
              <LanguageSwitch />
            </Group>
          </Container>
        </div>
        <Container size="lg" py="sm" px={{ base: 'sm', sm: 'md' }}>
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Anchor component={Link} to="/" underline="never" className="dd-brand" data-testid="brand-home">
              <img src="/favicon.svg" width={40} height={40} alt="" />
              <span>
                <span className="dd-brand-title">{t('app.brand')}</span>
                {surface ? <span className="dd-brand-surface">{surface}</span> : null}
              </span>
            </Anchor>
            {headerExtra ? (
              <Group gap="sm" wrap="wrap" justify="flex-end">
                {headerExtra}
              </Group>
            ) : null}
          </Group>
        </Container>
      </Box>
      <Box component="main" id="main" tabIndex={-1}>
        <Container size={size} py="lg" px={{ base: 'sm', sm: 'md' }}>
          {children}
        </Container>
      </Box>
      <Box component="footer" className="dd-footer">
        <Container size="lg" py="lg" px={{ base: 'sm', sm: 'md' }}>
          <Text size="sm" fw={600} mih="1.2em">
            {authority}
          </Text>
          <Text size="xs" mt={4}>
            {footer ?? t('app.footer')}
          </Text>
          <Group component="nav" aria-label={t('app.footerNav')} gap="md" mt="sm">
            <Anchor component={Link} to="/" size="xs">
              {t('app.home')}
            </Anchor>
            <Anchor href="/docs" size="xs">
              {t('app.apiDocs')}
            </Anchor>
          </Group>
          <Text size="xs" mt="sm" className="dd-footer-note">
            {t('app.software')}
          </Text>
        </Container>
      </Box>
    </>
  );
}
