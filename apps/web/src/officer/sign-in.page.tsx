import { Alert, Button, Paper, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import type { Me } from '../api/api.types.ts';
import { apiRequest, registryPath } from '../api/api-client.ts';
import { AppFrame } from '../app/app-frame.tsx';
import { useSession } from '../session/session.context.tsx';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';

/**
 * The officer pastes a bearer token; it is checked against /me and then held in memory.
 * A textarea rather than a password field, so browsers do not offer to save it.
 */
export function SignInPage() {
  const { t } = useTranslation();
  const { session, endReason, signIn } = useSession();
  const [token, setToken] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  if (session) return <Navigate to="/officer" replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Pasted tokens may arrive wrapped or with the scheme in front; the token itself has no spaces.
    const candidate = token
      .trim()
      .replace(/^Bearer\s+/i, '')
      .replace(/\s+/g, '');
    setError(null);
    if (!candidate) {
      setFieldError(t('signIn.tokenRequired'));
      return;
    }
    setFieldError(null);
    setPending(true);
    try {
      const me = await apiRequest<Me>(registryPath('me'), { token: candidate });
      setToken('');
      signIn(candidate, me);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  return (
    <AppFrame>
      <Paper withBorder p={{ base: 'md', sm: 'xl' }} maw={560} mx="auto" radius="md">
        <Stack gap="md">
          <PageTitle order={1} size="h2" documentTitle={t('signIn.title')}>
            {t('signIn.title')}
          </PageTitle>
          <Text size="sm">{t('signIn.intro')}</Text>
          {endReason ? (
            <Alert color={endReason === 'expired' ? 'yellow' : 'blue'} variant="light" role="status">
              {t(endReason === 'expired' ? 'signIn.expired' : 'signIn.signedOut')}
            </Alert>
          ) : null}
          {error ? <ProblemAlert error={error} /> : null}
          <form onSubmit={submit} noValidate method="post" aria-label={t('signIn.title')}>
            <Stack gap="md">
              <Textarea
                label={t('signIn.tokenLabel')}
                description={t('signIn.tokenDescription')}
                value={token}
                onChange={(event) => setToken(event.currentTarget.value)}
                error={fieldError}
                required
                autosize
                minRows={3}
                maxRows={6}
                autoComplete="off"
                autoCorrect="off"
                autoCapitalize="off"
                spellCheck={false}
                name="token"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                data-testid="token-input"
              />
              <Button type="submit" loading={pending} data-testid="sign-in-submit">
                {t('signIn.submit')}
              </Button>
              <Text size="sm" role="status" aria-live="polite">
                {pending ? t('signIn.checking') : ''}
              </Text>
            </Stack>
          </form>
        </Stack>
      </Paper>
    </AppFrame>
  );
}
