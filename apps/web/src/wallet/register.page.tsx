import {
  Alert,
  Anchor,
  Button,
  List,
  Paper,
  PasswordInput,
  Progress,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { identityPath } from '../api/api-client.ts';
import type { Registration } from '../api/identity.types.ts';
import { citizenApi } from '../citizen/citizen.api.ts';
import { CodeInput, IdNumberInput } from '../citizen/fields.tsx';
import { type CapturedImage, ImageCapture } from '../citizen/image-capture.tsx';
import {
  codeValidMinutes,
  isIdNumber,
  isOtpCode,
  isPhone,
  MIN_PASSWORD_LENGTH,
  normaliseCode,
  normalisePhone,
} from '../citizen/validation.ts';
import { DateField } from '../shared/date-field.tsx';
import { useDevelopmentBiometrics } from '../shared/development-biometrics.ts';
import { parseDate, todayInVietnam } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { WalletFrame } from './wallet-frame.tsx';

const steps = ['details', 'code', 'face', 'password', 'done'] as const;
type Step = (typeof steps)[number];

/**
 * `/wallet/register` — level-1 self-registration: details that must match the registry,
 * a code to the registered phone, a face photo, a password. The account exists only after
 * the last step (the server creates it in one transaction). Everything typed lives in this
 * component's state and is gone when the page is left.
 */
export function RegisterPage() {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('details');
  const [registration, setRegistration] = useState<Registration | null>(null);
  const [details, setDetails] = useState({ idNumber: '', fullName: '', dateOfBirth: '', phone: '' });
  const [code, setCode] = useState('');
  const [face, setFace] = useState<CapturedImage | null>(null);
  // Development only: the face check is a stand-in that accepts any photo; say so.
  const developmentFace = useDevelopmentBiometrics().data?.face === 'development';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstStep = useRef(true);

  // Each new step is announced by moving focus to its heading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect runs on each step change
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const index = steps.indexOf(step);
  const go = (next: Step) => {
    setError(null);
    setFieldErrors({});
    setStep(next);
  };

  const run = async (action: () => Promise<void>) => {
    setError(null);
    setPending(true);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  const submitDetails = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!isIdNumber(details.idNumber)) errors.idNumber = t('citizen.idNumberInvalid');
    if (details.fullName.trim().length < 2) errors.fullName = t('register.fullNameRequired');
    const dateOfBirth = parseDate(details.dateOfBirth);
    if (!dateOfBirth || dateOfBirth > todayInVietnam()) errors.dateOfBirth = t('register.dateOfBirthInvalid');
    if (!isPhone(details.phone)) errors.phone = t('register.phoneInvalid');
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    void run(async () => {
      const created = await citizenApi.post<Registration>(identityPath('registrations'), {
        idNumber: details.idNumber.trim(),
        fullName: details.fullName.trim().replace(/\s+/g, ' '),
        dateOfBirth,
        phone: normalisePhone(details.phone),
      });
      setRegistration(created);
      go('code');
    });
  };

  const submitCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = normaliseCode(code);
    if (!isOtpCode(value)) {
      setFieldErrors({ code: t('citizen.codeInvalid') });
      return;
    }
    setFieldErrors({});
    void run(async () => {
      await citizenApi.post(identityPath('registrations', registration!.registrationId, 'otp'), {
        code: value,
      });
      go('face');
    });
  };

  const submitFace = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!face) {
      setFieldErrors({ face: t('register.faceRequired') });
      return;
    }
    setFieldErrors({});
    void run(async () => {
      await citizenApi.post(identityPath('registrations', registration!.registrationId, 'face'), {
        image: face.base64,
      });
      setFace(null);
      go('password');
    });
  };

  const submitPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if ([...password].length < MIN_PASSWORD_LENGTH) errors.password = t('password.tooShort');
    if (confirm !== password) errors.confirm = t('password.mismatch');
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    void run(async () => {
      await citizenApi.post(identityPath('registrations', registration!.registrationId, 'complete'), {
        password,
      });
      setPassword('');
      setConfirm('');
      setDetails({ idNumber: '', fullName: '', dateOfBirth: '', phone: '' });
      go('done');
    });
  };

  let body: ReactNode;
  if (step === 'details') {
    body = (
      <form onSubmit={submitDetails} noValidate aria-labelledby="register-step-title">
        <Stack gap="md">
          <Text size="sm">{t('register.detailsIntro')}</Text>
          <IdNumberInput
            value={details.idNumber}
            onChange={(e) => setDetails({ ...details, idNumber: e.currentTarget.value })}
            error={fieldErrors.idNumber}
            autoComplete="off"
            data-testid="register-id-number"
          />
          <TextInput
            label={t('fields.fullName')}
            description={t('register.fullNameHint')}
            value={details.fullName}
            onChange={(e) => setDetails({ ...details, fullName: e.currentTarget.value })}
            error={fieldErrors.fullName}
            autoComplete="off"
            required
            data-testid="register-full-name"
          />
          <DateField
            label={t('fields.dateOfBirth')}
            value={details.dateOfBirth}
            onChange={(e) => setDetails({ ...details, dateOfBirth: e.currentTarget.value })}
            error={fieldErrors.dateOfBirth}
            required
            data-testid="register-date-of-birth"
          />
          <TextInput
            type="tel"
            label={t('fields.phone')}
            description={t('register.phoneHint')}
            value={details.phone}
            onChange={(e) => setDetails({ ...details, phone: e.currentTarget.value })}
            error={fieldErrors.phone}
            inputMode="tel"
            autoComplete="off"
            required
            data-testid="register-phone"
          />
          <Button type="submit" loading={pending} data-testid="register-details-submit">
            {t('register.sendCode')}
          </Button>
        </Stack>
      </form>
    );
  } else if (step === 'code') {
    body = (
      <form onSubmit={submitCode} noValidate aria-labelledby="register-step-title">
        <Stack gap="md">
          <Text size="sm" data-testid="register-masked-phone">
            {t('register.codeSent', { phone: registration?.maskedPhone ?? '' })}
          </Text>
          <CodeInput
            description={t('citizen.codeSmsHint', {
              minutes: codeValidMinutes(registration?.codeValidForSeconds),
            })}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            error={fieldErrors.code}
            data-testid="register-code"
          />
          <Button type="submit" loading={pending} data-testid="register-code-submit">
            {t('citizen.verify')}
          </Button>
        </Stack>
      </form>
    );
  } else if (step === 'face') {
    body = (
      <form onSubmit={submitFace} noValidate aria-labelledby="register-step-title">
        <Stack gap="md">
          <Text size="sm">{t('register.faceIntro')}</Text>
          {developmentFace ? (
            <Alert color="yellow" variant="light" data-testid="register-face-dev-notice">
              <Text size="sm">{t('register.devFace')}</Text>
            </Alert>
          ) : null}
          <ImageCapture
            value={face}
            onChange={setFace}
            facingMode="user"
            fileLabel={t('register.faceFile')}
            testId="register-face"
            error={fieldErrors.face}
          />
          <Button type="submit" loading={pending} data-testid="register-face-submit">
            {pending ? t('register.faceChecking') : t('register.faceSubmit')}
          </Button>
        </Stack>
      </form>
    );
  } else if (step === 'password') {
    body = (
      <form onSubmit={submitPassword} noValidate aria-labelledby="register-step-title">
        <Stack gap="md">
          <PasswordRules />
          <PasswordInput
            label={t('password.new')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldErrors.password}
            autoComplete="new-password"
            required
            data-testid="register-password"
          />
          <PasswordInput
            label={t('password.confirm')}
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={fieldErrors.confirm}
            autoComplete="new-password"
            required
            data-testid="register-password-confirm"
          />
          <Button type="submit" loading={pending} data-testid="register-password-submit">
            {t('register.create')}
          </Button>
        </Stack>
      </form>
    );
  } else {
    body = (
      <Stack gap="md" data-testid="register-done">
        <Alert color="green" variant="light" role="status">
          {t('register.doneText')}
        </Alert>
        <Text size="sm">{t('level.level2How')}</Text>
        <Button component={Link} to="/wallet/login" data-testid="register-to-login">
          {t('register.toLogin')}
        </Button>
      </Stack>
    );
  }

  return (
    <WalletFrame>
      <Paper withBorder p={{ base: 'md', sm: 'xl' }} radius="md">
        <Stack gap="md">
          <PageTitle order={1} size="h2" documentTitle={t('register.title')}>
            {t('register.title')}
          </PageTitle>
          <Stack gap={4}>
            <Text size="sm" fw={500} data-testid="register-step">
              {t('register.stepOf', { n: index + 1, total: steps.length, name: t(`register.steps.${step}`) })}
            </Text>
            <Progress
              value={((index + 1) / steps.length) * 100}
              aria-label={t('register.progress')}
              size="sm"
            />
          </Stack>
          <Title
            order={2}
            size="h4"
            id="register-step-title"
            ref={headingRef}
            tabIndex={-1}
            style={{ outline: 'none' }}
          >
            {t(`register.steps.${step}`)}
          </Title>
          {error ? <ProblemAlert error={error} /> : null}
          <div aria-live="polite" className="visually-hidden">
            {pending ? t('common.working') : ''}
          </div>
          {body}
          {step === 'details' ? (
            <Text size="sm">
              {t('register.haveAccount')}{' '}
              <Anchor component={Link} to="/wallet/login">
                {t('register.toLogin')}
              </Anchor>
            </Text>
          ) : null}
        </Stack>
      </Paper>
    </WalletFrame>
  );
}

/** The password policy in words (DOMAIN.md: NIST 800-63B / ASVS); the server has the last word. */
export function PasswordRules() {
  const { t } = useTranslation();
  return (
    <Stack gap={4} data-testid="password-rules">
      <Text size="sm" fw={500}>
        {t('password.rulesTitle')}
      </Text>
      <List size="sm" spacing={2}>
        <List.Item>{t('password.ruleLength', { min: MIN_PASSWORD_LENGTH })}</List.Item>
        <List.Item>{t('password.ruleNoComposition')}</List.Item>
        <List.Item>{t('password.rulePassphrase')}</List.Item>
        <List.Item>{t('password.ruleBlocklist')}</List.Item>
      </List>
    </Stack>
  );
}
