import { Alert, Anchor, Button, Divider, PasswordInput, Radio, Stack, Text } from '@mantine/core';
import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { identityPath } from '../api/api-client.ts';
import type { LoggedIn, LoginStart, OtpMethod, PasskeyOptions } from '../api/identity.types.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { citizenApi } from './citizen.api.ts';
import { CodeInput, IdNumberInput } from './fields.tsx';
import { codeValidMinutes, isIdNumber, isOtpCode, normaliseCode, WebAuthnFailure } from './validation.ts';

type Step = { kind: 'credentials' } | { kind: 'code'; login: LoginStart };

/**
 * Password + one-time code, or a passkey, against the identity API. On success the server
 * has set the session cookie; `onLoggedIn` gets the account it answered with.
 */
export function CitizenLogin({
  onLoggedIn,
  showRegisterLink = true,
}: {
  onLoggedIn: (result: LoggedIn) => void;
  showRegisterLink?: boolean;
}) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [idNumber, setIdNumber] = useState('');
  const [password, setPassword] = useState('');
  const [method, setMethod] = useState<OtpMethod>('sms');
  const [code, setCode] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<null | 'password' | 'code' | 'passkey'>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step.kind === 'code') codeRef.current?.focus();
  }, [step.kind]);

  const submitCredentials = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!isIdNumber(idNumber)) errors.idNumber = t('citizen.idNumberInvalid');
    if (!password) errors.password = t('citizen.passwordRequired');
    setFieldErrors(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;
    setPending('password');
    try {
      const login = await citizenApi.post<LoginStart>(identityPath('logins'), {
        idNumber: idNumber.trim(),
        password,
      });
      setPassword('');
      setCode('');
      setMethod(login.methods.includes('sms') ? 'sms' : (login.methods[0] ?? 'sms'));
      setStep({ kind: 'code', login });
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const submitCode = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (step.kind !== 'code') return;
    const value = normaliseCode(code);
    setError(null);
    if (!isOtpCode(value)) {
      setFieldErrors({ code: t('citizen.codeInvalid') });
      return;
    }
    setFieldErrors({});
    setPending('code');
    try {
      const result = await citizenApi.post<LoggedIn>(identityPath('logins', step.login.loginId, 'otp'), {
        method,
        code: value,
      });
      onLoggedIn(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const loginWithPasskey = async () => {
    setError(null);
    setPending('passkey');
    try {
      const { challengeId, options } = await citizenApi.post<
        PasskeyOptions<Parameters<typeof startAuthentication>[0]['optionsJSON']>
      >(identityPath('passkeys', 'login-options'));
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        response = await startAuthentication({ optionsJSON: options });
      } catch {
        throw new WebAuthnFailure();
      }
      const result = await citizenApi.post<LoggedIn>(identityPath('passkeys', 'login'), {
        challengeId,
        response,
      });
      onLoggedIn(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const errorAlert =
    error instanceof WebAuthnFailure ? (
      <Alert color="red" variant="light" role="alert" data-testid="problem-alert">
        {t('citizen.passkeyFailed')}
      </Alert>
    ) : error ? (
      <ProblemAlert error={error} />
    ) : null;

  if (step.kind === 'code') {
    const { login } = step;
    return (
      <Stack gap="md">
        {errorAlert}
        <form onSubmit={submitCode} noValidate aria-label={t('citizen.codeStepTitle')}>
          <Stack gap="md">
            <Radio.Group
              label={t('citizen.methodLabel')}
              value={method}
              onChange={(value) => setMethod(value === 'totp' ? 'totp' : 'sms')}
            >
              <Stack gap="xs" mt="xs">
                {login.methods.includes('sms') ? (
                  <Radio
                    value="sms"
                    data-testid="login-method-sms"
                    label={
                      login.maskedPhone
                        ? t('citizen.methodSmsTo', { phone: login.maskedPhone })
                        : t('citizen.methodSms')
                    }
                  />
                ) : null}
                {login.methods.includes('totp') ? (
                  <Radio value="totp" data-testid="login-method-totp" label={t('citizen.methodTotp')} />
                ) : null}
              </Stack>
            </Radio.Group>
            <CodeInput
              ref={codeRef}
              description={
                method === 'sms'
                  ? t('citizen.codeSmsHint', { minutes: codeValidMinutes(login.codeValidForSeconds) })
                  : t('citizen.codeTotpHint')
              }
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              error={fieldErrors.code}
              data-testid="login-code"
            />
            <Button type="submit" loading={pending === 'code'} data-testid="login-code-submit">
              {t('citizen.verify')}
            </Button>
            <Button
              variant="subtle"
              onClick={() => {
                setError(null);
                setStep({ kind: 'credentials' });
              }}
            >
              {t('common.back')}
            </Button>
          </Stack>
        </form>
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      {errorAlert}
      <form onSubmit={submitCredentials} noValidate aria-label={t('citizen.loginTitle')}>
        <Stack gap="md">
          <IdNumberInput
            value={idNumber}
            onChange={(event) => setIdNumber(event.currentTarget.value)}
            error={fieldErrors.idNumber}
            autoComplete="username"
            data-testid="login-id-number"
          />
          <PasswordInput
            label={t('citizen.password')}
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrors.password}
            autoComplete="current-password"
            required
            data-testid="login-password"
          />
          <Button type="submit" loading={pending === 'password'} data-testid="login-submit">
            {t('citizen.continue')}
          </Button>
        </Stack>
      </form>
      <Divider label={t('citizen.or')} labelPosition="center" />
      <Button
        variant="outline"
        onClick={() => void loginWithPasskey()}
        loading={pending === 'passkey'}
        data-testid="passkey-login"
      >
        {t('citizen.passkeyLogin')}
      </Button>
      <Text size="xs" c="dimmed">
        {t('citizen.passkeyHint')}
      </Text>
      {showRegisterLink ? (
        <Text size="sm">
          {t('citizen.noAccount')}{' '}
          <Anchor component={Link} to="/wallet/register" data-testid="register-link">
            {t('citizen.registerLink')}
          </Anchor>
        </Text>
      ) : null}
    </Stack>
  );
}
