import { Anchor, Badge, Box, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AppFrame } from '../app/app-frame.tsx';
import { useSite } from '../app/site.ts';
import { PageTitle } from '../shared/page-title.tsx';

/**
 * `/` — the platform's front page: each audience sent to its place (citizens to the wallet,
 * officers to the console, relying parties and verifiers to the API documentation and the OpenID
 * configuration) and, outside production, what the demo data lets one try. Links to pages the
 * server renders itself (docs, discovery, demo pages) are plain links, not client routes.
 */
export function HomePage() {
  const { t } = useTranslation();
  const site = useSite();
  const demo = site.data?.demo ?? null;
  return (
    <AppFrame audience={null} footer={t('wallet.footer')}>
      <Stack gap="xl">
        <Box className="dd-hero">
          <PageTitle order={1} className="dd-hero-title" documentTitle={t('home.documentTitle')}>
            {t('home.title')}
          </PageTitle>
          <Text size="lg" mt="sm" maw={720}>
            {t('home.lead')}
          </Text>
        </Box>

        <Box component="section" aria-labelledby="home-audiences">
          <Title order={2} size="h3" id="home-audiences" mb="md">
            {t('home.audiences')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
            <AudienceCard
              id="citizen"
              title={t('home.citizen.title')}
              text={t('home.citizen.text')}
              note={t('home.citizen.level2')}
            >
              <Button component={Link} to="/wallet/login" fullWidth data-testid="home-wallet-login">
                {t('home.citizen.login')}
              </Button>
              <Button
                component={Link}
                to="/wallet/register"
                variant="outline"
                fullWidth
                data-testid="home-wallet-register"
              >
                {t('home.citizen.register')}
              </Button>
            </AudienceCard>
            <AudienceCard
              id="officer"
              title={t('home.officer.title')}
              text={t('home.officer.text')}
              note={t('home.officer.note')}
            >
              <Button component={Link} to="/officer" fullWidth data-testid="home-officer-console">
                {t('home.officer.open')}
              </Button>
            </AudienceCard>
            <AudienceCard id="partner" title={t('home.partner.title')} text={t('home.partner.text')}>
              <Button component="a" href="/docs" variant="outline" fullWidth data-testid="home-api-docs">
                {t('home.partner.docs')}
              </Button>
              <Anchor href="/.well-known/openid-configuration" size="sm" data-testid="home-openid">
                {t('home.partner.discovery')}
              </Anchor>
              {demo?.relyingParty ? (
                <Anchor href={demo.relyingParty} size="sm" data-testid="home-demo-rp">
                  {t('home.partner.demoRp')}
                </Anchor>
              ) : null}
            </AudienceCard>
          </SimpleGrid>
        </Box>

        {demo ? (
          <Card
            component="section"
            aria-labelledby="home-demo"
            withBorder
            padding="lg"
            className="dd-demo"
            data-testid="home-demo"
          >
            <Group gap="sm" mb="xs">
              <Title order={2} size="h3" id="home-demo">
                {t('home.demo.title')}
              </Title>
              <Badge color="yellow" variant="light" c="dark.8">
                {t('home.demo.badge')}
              </Badge>
            </Group>
            <Text size="sm" mb="md">
              {t('home.demo.intro')}
            </Text>
            <List type="ordered" spacing="sm" size="sm">
              <List.Item>
                <Anchor component={Link} to="/wallet/register" fz="inherit" data-testid="home-demo-register">
                  {t('home.citizen.register')}
                </Anchor>{' '}
                — {t('home.demo.register')}
                {demo.outbox ? (
                  <>
                    {' '}
                    {t('home.demo.outbox')}{' '}
                    <Anchor href={demo.outbox} fz="inherit" data-testid="home-demo-outbox">
                      {t('home.demo.outboxLink')}
                    </Anchor>
                  </>
                ) : null}
              </List.Item>
              <List.Item>
                <Anchor component={Link} to="/officer" fz="inherit">
                  {t('home.officer.open')}
                </Anchor>{' '}
                — {t('home.demo.officer')}
              </List.Item>
              {demo.relyingParty ? (
                <List.Item>
                  <Anchor href={demo.relyingParty} fz="inherit">
                    {t('home.partner.demoRp')}
                  </Anchor>{' '}
                  — {t('home.demo.relyingParty')}
                </List.Item>
              ) : null}
            </List>
          </Card>
        ) : null}
      </Stack>
    </AppFrame>
  );
}

function AudienceCard({
  id,
  title,
  text,
  note,
  children,
}: {
  id: string;
  title: string;
  text: string;
  note?: string;
  children: ReactNode;
}) {
  return (
    <Card
      component="section"
      aria-labelledby={`home-${id}-title`}
      withBorder
      padding="lg"
      className="dd-audience"
      data-testid={`home-${id}`}
    >
      <Stack gap="sm" h="100%">
        <Title order={3} size="h4" id={`home-${id}-title`}>
          {title}
        </Title>
        <Text size="sm" style={{ flex: 1 }}>
          {text}
        </Text>
        <Stack gap="xs">{children}</Stack>
        {note ? (
          <Text size="xs" c="dimmed">
            {note}
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}
