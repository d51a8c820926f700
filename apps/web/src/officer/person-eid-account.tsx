import {
  Alert,
  Badge,
  Button,
  Checkbox,
  FileInput,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, identityPath } from '../api/api-client.ts';
import type { OfficerAccountSummary } from '../api/identity.types.ts';
import { dataUrlToImage } from '../citizen/image-capture.tsx';
import { vi } from '../i18n/vi.ts';
import { useApi } from '../session/session.context.tsx';
import { sampleFile, useDevelopmentBiometrics } from '../shared/development-biometrics.ts';
import { formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { LevelBadge } from '../wallet/level-badge.tsx';
import { chipFileKind, readChipFiles } from './chip-files.ts';
import { Fact, Facts, Section } from './section.tsx';

type LockGround = keyof typeof vi.lockGround;
/** Grounds an officer may record by hand; the automatic ones come from the registry. */
const officerGrounds: LockGround[] = ['officer', 'holder', 'breach', 'court'];

function groundLabel(t: ReturnType<typeof useTranslation>['t'], ground: string): string {
  return Object.hasOwn(vi.lockGround, ground) ? t(`lockGround.${ground as LockGround}`) : ground;
}

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(dataUrlToImage(String(reader.result)).base64);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/**
 * The person's eID account as the commune police see it: level, status, locks; raising it
 * to level 2 in person; locking and unlocking with a ground and a reason. Every step is
 * audited by the server.
 */
export function PersonEidAccount({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const key = ['identity', 'officer', 'account', idNumber];
  const account = useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      api.post<OfficerAccountSummary>(identityPath('officer', 'accounts', 'lookup'), { idNumber }, signal),
  });
  const [dialog, setDialog] = useState<null | 'level2' | 'lock' | 'unlock'>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = async (message: string) => {
    setDialog(null);
    setNotice(message);
    await queryClient.invalidateQueries({ queryKey: key });
  };

  const notFound = account.error instanceof ApiError && account.error.code === 'ERR_ACCOUNT_NOT_FOUND';
  const data = account.data;
  const locks = data?.locks ?? [];
  return (
    <Section title={t('eid.title')} testId="eid-account-section">
      <div role="status" aria-live="polite">
        {notice ? (
          <Text size="sm" c="teal.8" data-testid="eid-notice">
            {notice}
          </Text>
        ) : null}
      </div>
      {account.isPending ? (
        <Text size="sm" role="status">
          {t('common.loading')}
        </Text>
      ) : notFound ? (
        <Text size="sm" data-testid="eid-no-account">
          {t('eid.noAccount')}
        </Text>
      ) : account.isError ? (
        <ProblemAlert error={account.error} onRetry={() => void account.refetch()} />
      ) : data ? (
        <Stack gap="sm">
          <Facts>
            <Fact label={t('eid.level')}>
              <LevelBadge level={data.level} testId="eid-level" />
            </Fact>
            <Fact label={t('eid.status')}>
              <Badge
                color={data.status === 'locked' ? 'red' : 'teal'}
                variant="light"
                tt="none"
                data-testid="eid-status"
              >
                {t(data.status === 'locked' ? 'eid.locked' : 'eid.active')}
              </Badge>
            </Fact>
            <Fact label={t('eid.locks')}>
              {locks.length > 0
                ? locks
                    .map((lock) => groundLabel(t, typeof lock === 'string' ? lock : lock.ground))
                    .join(', ')
                : null}
            </Fact>
            <Fact label={t('eid.phone')}>{data.maskedPhone}</Fact>
            <Fact label={t('eid.cardNumber')}>{data.cardNumber}</Fact>
            <Fact label={t('eid.createdAt')}>{data.createdAt ? formatDateTime(data.createdAt) : null}</Fact>
            {data.level2At ? <Fact label={t('eid.level2At')}>{formatDateTime(data.level2At)}</Fact> : null}
          </Facts>
          <Group gap="sm">
            {data.level !== 2 && data.kind !== 'organisation' ? (
              <Button onClick={() => setDialog('level2')} data-testid="eid-raise-level2">
                {t('eid.raise')}
              </Button>
            ) : null}
            <Button variant="outline" color="red" onClick={() => setDialog('lock')} data-testid="eid-lock">
              {t('eid.lock')}
            </Button>
            {locks.length > 0 ? (
              <Button variant="outline" onClick={() => setDialog('unlock')} data-testid="eid-unlock">
                {t('eid.unlock')}
              </Button>
            ) : null}
          </Group>
        </Stack>
      ) : null}
      <Level2Dialog
        opened={dialog === 'level2'}
        idNumber={idNumber}
        onClose={() => setDialog(null)}
        onDone={() => void done(t('eid.raised'))}
      />
      <LockDialog
        mode={dialog === 'unlock' ? 'unlock' : 'lock'}
        opened={dialog === 'lock' || dialog === 'unlock'}
        idNumber={idNumber}
        currentGrounds={locks.map((lock) => (typeof lock === 'string' ? lock : lock.ground))}
        onClose={() => setDialog(null)}
        onDone={(mode) => void done(t(mode === 'lock' ? 'eid.lockedNotice' : 'eid.unlockedNotice'))}
      />
    </Section>
  );
}

function Level2Dialog({
  opened,
  idNumber,
  onClose,
  onDone,
}: {
  opened: boolean;
  idNumber: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [chipFiles, setChipFiles] = useState<File[]>([]);
  const [fingerprint, setFingerprint] = useState<File | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Development only: the demo sample the development fingerprint adapter matches.
  const sample = useDevelopmentBiometrics().data?.fingerprintSample ?? null;
  const raise = useMutation({
    mutationFn: async () => {
      const chip = await readChipFiles(chipFiles);
      if (!chip) throw new Error(t('idCard.filesRequired'));
      return api.post(identityPath('officer', 'level2'), {
        idNumber,
        chip,
        fingerprint: { image: await readFile(fingerprint!) },
      });
    },
    onSuccess: () => {
      setChipFiles([]);
      setFingerprint(null);
      setConfirmed(false);
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const names = chipFiles.map((file) => chipFileKind(file.name));
    if (!names.includes('sod') || !names.some((kind) => typeof kind === 'number'))
      found.chip = t('idCard.filesRequired');
    if (!fingerprint) found.fingerprint = t('eid.fingerprintRequired');
    if (!confirmed) found.confirmed = t('eid.confirmRequired');
    setErrors(found);
    if (Object.keys(found).length === 0) raise.mutate();
  };
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('eid.raiseTitle')}
      size="lg"
      data-testid="level2-dialog"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">{t('eid.raiseIntro')}</Text>
          {raise.error ? <ProblemAlert error={raise.error} /> : null}
          <FileInput
            label={t('idCard.level2Files')}
            description={t('idCard.level2FilesHint')}
            multiple
            value={chipFiles}
            onChange={setChipFiles}
            error={errors.chip}
            clearable
            required
            data-testid="level2-chip-files"
          />
          <FileInput
            label={t('eid.fingerprint')}
            description={t('eid.fingerprintHint')}
            accept="image/*"
            value={fingerprint}
            onChange={setFingerprint}
            error={errors.fingerprint}
            clearable
            required
            data-testid="level2-fingerprint"
          />
          {sample ? (
            <Alert
              color="yellow"
              variant="light"
              title={t('eid.devFingerprintTitle')}
              data-testid="level2-dev-notice"
            >
              <Stack gap="xs" align="flex-start">
                <Text size="sm">{t('eid.devFingerprint', { file: sample.fileName })}</Text>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => setFingerprint(sampleFile(sample))}
                  data-testid="level2-use-sample"
                >
                  {t('eid.devFingerprintUse')}
                </Button>
              </Stack>
            </Alert>
          ) : null}
          <Checkbox
            checked={confirmed}
            onChange={(e) => setConfirmed(e.currentTarget.checked)}
            label={t('eid.confirmInPerson')}
            error={errors.confirmed}
            data-testid="level2-confirm"
          />
          <Alert color="gray" variant="light">
            <Text size="xs">{t('eid.audited')}</Text>
          </Alert>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={raise.isPending} data-testid="level2-submit">
              {t('eid.raiseSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function LockDialog({
  mode,
  opened,
  idNumber,
  currentGrounds,
  onClose,
  onDone,
}: {
  mode: 'lock' | 'unlock';
  opened: boolean;
  idNumber: string;
  currentGrounds: string[];
  onClose: () => void;
  onDone: (mode: 'lock' | 'unlock') => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [ground, setGround] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const grounds = mode === 'lock' ? officerGrounds : currentGrounds;
  const action = useMutation({
    mutationFn: () =>
      api.post(identityPath('officer', mode === 'lock' ? 'locks' : 'unlocks'), {
        idNumber,
        ground,
        reason: reason.trim(),
      }),
    onSuccess: () => {
      setGround(null);
      setReason('');
      onDone(mode);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!ground) found.ground = t('eid.groundRequired');
    if (reason.trim().length < 5) found.reason = t('eid.reasonRequired');
    setErrors(found);
    if (Object.keys(found).length === 0) action.mutate();
  };
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t(mode === 'lock' ? 'eid.lockTitle' : 'eid.unlockTitle')}
      data-testid="lock-dialog"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {action.error ? <ProblemAlert error={action.error} /> : null}
          <Select
            label={t('eid.ground')}
            data={grounds.map((value) => ({ value, label: groundLabel(t, value) }))}
            value={ground}
            onChange={setGround}
            error={errors.ground}
            allowDeselect={false}
            required
            data-testid="lock-ground"
          />
          <Textarea
            label={t('eid.reason')}
            description={t('eid.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.reason}
            autosize
            minRows={2}
            required
            data-testid="lock-reason"
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              color={mode === 'lock' ? 'red' : 'blue'}
              loading={action.isPending}
              data-testid="lock-submit"
            >
              {t(mode === 'lock' ? 'eid.lock' : 'eid.unlock')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
