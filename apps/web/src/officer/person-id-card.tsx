import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  FileInput,
  Group,
  List,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../api/api.types.ts';
import { vi } from '../i18n/vi.ts';
import { useApi } from '../session/session.context.tsx';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { downloadBase64, readChipFiles } from './chip-files.ts';
import { Fact, Facts, Section } from './section.tsx';

const CARD_API = '/api/card/v1/officer';

interface IdCard {
  cardNumber: string;
  issueDate: string;
  issuingAuthority: string;
  expiryDate: string | null;
  status: 'active' | 'revoked' | 'replaced';
  reason: string | null;
}

interface ChipSummary {
  efCom: { ldsVersion: string; unicodeVersion: string; dataGroups: number[] } | null;
  dg1: { lines: string[]; documentNumber: string; dateOfExpiry: string; checkDigitsValid: boolean } | null;
  dg13: Record<string, string | undefined> | null;
  dg15: { keyType: 'rsa' | 'ec'; curve: string | null } | null;
  sod: {
    hashAlgorithm: string;
    ldsVersion: number;
    dataGroupHashes: { dg: number; hash: string }[];
    documentSigner: { subject: string; issuer: string; serialHex: string; notAfter: string } | null;
    signingTime: string | null;
  };
}

interface IssuedCardResponse {
  card: IdCard;
  chip: ChipSummary;
  qr: string;
  files: Record<string, string>;
}

interface Check {
  status: 'passed' | 'failed' | 'not_read' | 'not_checked';
  reason?: string;
  detail?: string;
}

interface VerificationResponse {
  valid: boolean;
  verification: {
    failures: string[];
    sod: Check;
    dataGroups: (Check & { dg: number })[];
    signature: Check;
    chain: Check & { signer?: { subject: string; serialHex: string } };
    revocation: Check;
    activeAuthentication: Check;
  };
  registry: { idNumber: string | null; consistent: boolean; findings: string[] } | null;
}

type Translate = ReturnType<typeof useTranslation>['t'];
type Reason = keyof typeof vi.idCard.reasons;
const revocationReasons = ['lost', 'damaged', 'data_changed', 'withdrawn', 'other'] as const;

/** A failure code in words; unknown codes are shown as they are. */
function reasonText(t: Translate, code: string | undefined): string {
  if (!code) return '';
  return Object.hasOwn(vi.idCard.reasons, code) ? t(`idCard.reasons.${code as Reason}`) : code;
}

const cardsOf = (person: Person) => person.cards as unknown as IdCard[];

/**
 * The person's chip ID card at the commune police: current card, issuing a new one (chip
 * contents shown and downloadable), revoking it, and checking a card from a reader's files.
 */
export function PersonIdCard({ person }: { person: Person }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<null | 'issue' | 'revoke' | 'verify'>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const current = cardsOf(person).at(-1);
  const refresh = async (message: string) => {
    setNotice(message);
    await queryClient.invalidateQueries({ queryKey: ['people', person.idNumber] });
    await queryClient.invalidateQueries({ queryKey: ['identity', 'officer', 'account', person.idNumber] });
  };
  return (
    <Section title={t('idCard.title')} testId="card-section">
      <div role="status" aria-live="polite">
        {notice ? (
          <Text size="sm" c="teal.8" data-testid="card-notice">
            {notice}
          </Text>
        ) : null}
      </div>
      {current ? (
        <Facts>
          <Fact label={t('idCard.status')}>
            <Badge
              color={current.status === 'active' ? 'teal' : current.status === 'revoked' ? 'red' : 'gray'}
              variant="light"
              tt="none"
              data-testid="card-status"
            >
              {t(`idCard.statuses.${current.status}`)}
            </Badge>
          </Fact>
          <Fact label={t('idCard.cardNumber')}>{current.cardNumber}</Fact>
          <Fact label={t('idCard.issueDate')}>
            <span data-testid="card-issue-date">{formatDate(current.issueDate)}</span>
          </Fact>
          <Fact label={t('idCard.expiryDate')}>
            {current.expiryDate ? formatDate(current.expiryDate) : t('idCard.noExpiry')}
          </Fact>
          <Fact label={t('idCard.issuingAuthority')}>{current.issuingAuthority}</Fact>
          {current.reason ? <Fact label={t('idCard.reason')}>{current.reason}</Fact> : null}
        </Facts>
      ) : (
        <Text size="sm" data-testid="card-none">
          {t('idCard.none')}
        </Text>
      )}
      <Group gap="sm">
        <Button onClick={() => setDialog('issue')} data-testid="card-issue">
          {t('idCard.issue')}
        </Button>
        {current?.status === 'active' ? (
          <Button variant="outline" color="red" onClick={() => setDialog('revoke')} data-testid="card-revoke">
            {t('idCard.revoke')}
          </Button>
        ) : null}
        <Button variant="outline" onClick={() => setDialog('verify')} data-testid="card-verify">
          {t('idCard.verify')}
        </Button>
      </Group>
      <IssueDialog
        opened={dialog === 'issue'}
        idNumber={person.idNumber}
        onClose={() => setDialog(null)}
        onIssued={() => void refresh(t('idCard.issued'))}
      />
      <RevokeDialog
        opened={dialog === 'revoke'}
        idNumber={person.idNumber}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          void refresh(t('idCard.revoked'));
        }}
      />
      <VerifyCardDialog opened={dialog === 'verify'} onClose={() => setDialog(null)} />
    </Section>
  );
}

function IssueDialog({
  opened,
  idNumber,
  onClose,
  onIssued,
}: {
  opened: boolean;
  idNumber: string;
  onClose: () => void;
  onIssued: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [onRequest, setOnRequest] = useState(false);
  const issue = useMutation({
    mutationFn: () => api.post<IssuedCardResponse>(`${CARD_API}/cards`, { idNumber, onRequest }),
    onSuccess: onIssued,
  });
  const close = () => {
    issue.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    issue.mutate();
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('idCard.issueTitle')}
      size="xl"
      data-testid="card-issue-dialog"
    >
      {issue.data ? (
        <Stack gap="md">
          <Alert color="teal" variant="light">
            {t('idCard.issuedDetail', {
              issueDate: formatDate(issue.data.card.issueDate),
              expiryDate: issue.data.card.expiryDate
                ? formatDate(issue.data.card.expiryDate)
                : t('idCard.noExpiry'),
            })}
          </Alert>
          <ChipContents chip={issue.data.chip} />
          <Stack gap="xs">
            <Text fw={600} size="sm">
              {t('idCard.download')}
            </Text>
            <Group gap="xs" data-testid="card-files">
              {Object.entries(issue.data.files).map(([name, content]) => (
                <Button key={name} size="xs" variant="light" onClick={() => downloadBase64(name, content)}>
                  {name}
                </Button>
              ))}
            </Group>
          </Stack>
          <Group justify="flex-end">
            <Button onClick={close} data-testid="card-issue-close">
              {t('idCard.close')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Text size="sm">{t('idCard.issueIntro')}</Text>
            {issue.error ? <ProblemAlert error={issue.error} /> : null}
            <Checkbox
              checked={onRequest}
              onChange={(e) => setOnRequest(e.currentTarget.checked)}
              label={t('idCard.onRequest')}
              data-testid="card-on-request"
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={issue.isPending} data-testid="card-issue-submit">
                {t('idCard.issueSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

const dg13Labels: Record<string, keyof typeof vi.idCard.dg13> = {
  idNumber: 'idNumber',
  fullName: 'fullName',
  dateOfBirth: 'dateOfBirth',
  sex: 'sex',
  nationality: 'nationality',
  ethnicity: 'ethnicity',
  religion: 'religion',
  placeOfOrigin: 'placeOfOrigin',
  permanentResidence: 'permanentResidence',
  issueDate: 'issueDate',
  expiryDate: 'expiryDate',
  father: 'father',
  mother: 'mother',
  spouse: 'spouse',
  oldIdNumber: 'oldIdNumber',
};

/** The chip's files as read: EF.COM, the MRZ, DG13's fields, the AA key and the SOD. */
function ChipContents({ chip }: { chip: ChipSummary }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="chip-contents">
      <Text fw={600} size="sm">
        {t('idCard.chipContents')}
      </Text>
      {chip.efCom ? (
        <Text size="sm">
          EF.COM: LDS {chip.efCom.ldsVersion}, Unicode {chip.efCom.unicodeVersion} — DG{' '}
          {chip.efCom.dataGroups.join(', ')}
        </Text>
      ) : null}
      {chip.dg1 ? (
        <Stack gap={4}>
          <Text size="sm">{t('idCard.mrz')}</Text>
          <Code block data-testid="chip-mrz" style={{ overflowX: 'auto' }}>
            {chip.dg1.lines.join('\n')}
          </Code>
        </Stack>
      ) : null}
      {chip.dg13 ? (
        <Facts>
          {Object.entries(dg13Labels).map(([field, label]) =>
            chip.dg13?.[field] !== undefined ? (
              <Fact key={field} label={t(`idCard.dg13.${label}`)}>
                {chip.dg13[field]}
              </Fact>
            ) : null,
          )}
        </Facts>
      ) : null}
      {chip.dg15 ? (
        <Text size="sm">
          {t('idCard.aaKey')}: {chip.dg15.keyType.toUpperCase()}
          {chip.dg15.curve ? ` (${chip.dg15.curve})` : ''}
        </Text>
      ) : null}
      <Text size="sm">
        EF.SOD: {chip.sod.hashAlgorithm}
        {chip.sod.documentSigner
          ? ` — ${t('idCard.signer')}: ${chip.sod.documentSigner.subject} (${chip.sod.documentSigner.serialHex})`
          : ''}
      </Text>
      <Table.ScrollContainer minWidth={320}>
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">DG</Table.Th>
              <Table.Th scope="col">{t('idCard.hash')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {chip.sod.dataGroupHashes.map((entry) => (
              <Table.Tr key={entry.dg}>
                <Table.Td>DG{entry.dg}</Table.Td>
                <Table.Td style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{entry.hash}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function RevokeDialog({
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
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: () =>
      api.post(`${CARD_API}/cards/revocations`, {
        idNumber,
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: () => {
      setReason(null);
      setNote('');
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!reason) {
      setError(t('idCard.revokeReasonRequired'));
      return;
    }
    setError(null);
    revoke.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('idCard.revokeTitle')} data-testid="card-revoke-dialog">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">{t('idCard.revokeIntro')}</Text>
          {revoke.error ? <ProblemAlert error={revoke.error} /> : null}
          <Select
            label={t('idCard.revokeReason')}
            data={revocationReasons.map((value) => ({
              value,
              label: t(`idCard.revocationReasons.${value}`),
            }))}
            value={reason}
            onChange={setReason}
            error={error}
            required
            data-testid="card-revoke-reason"
          />
          <Textarea
            label={t('idCard.revokeNote')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
            data-testid="card-revoke-note"
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={revoke.isPending} data-testid="card-revoke-submit">
              {t('idCard.revokeSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Checks a card from the files a reader dumped: each step with its reason, then the registry. */
export function VerifyCardDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const verify = useMutation({
    mutationFn: async () => {
      const chip = await readChipFiles(files);
      if (!chip) throw new Error(t('idCard.filesRequired'));
      return api.post<VerificationResponse>(`${CARD_API}/cards/verifications`, chip);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (files.length === 0) {
      setError(t('idCard.filesRequired'));
      return;
    }
    setError(null);
    verify.mutate();
  };
  const result = verify.data;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('idCard.verifyTitle')}
      size="xl"
      data-testid="card-verify-dialog"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">{t('idCard.verifyIntro')}</Text>
          <FileInput
            label={t('idCard.chipFiles')}
            description={t('idCard.chipFilesHint')}
            multiple
            value={files}
            onChange={setFiles}
            error={error}
            clearable
            required
            data-testid="card-verify-files"
          />
          {verify.error ? <ProblemAlert error={verify.error} /> : null}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('idCard.close')}
            </Button>
            <Button type="submit" loading={verify.isPending} data-testid="card-verify-submit">
              {t('idCard.verifySubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
      {result ? <VerificationResult result={result} /> : null}
    </Modal>
  );
}

function VerificationResult({ result }: { result: VerificationResponse }) {
  const { t } = useTranslation();
  const v = result.verification;
  const steps: [string, Check][] = [
    [t('idCard.checks.sod'), v.sod],
    ...v.dataGroups.map((check): [string, Check] => [`DG${check.dg}`, check]),
    [t('idCard.checks.signature'), v.signature],
    [t('idCard.checks.chain'), v.chain],
    [t('idCard.checks.revocation'), v.revocation],
    [t('idCard.checks.activeAuthentication'), v.activeAuthentication],
  ];
  const color = { passed: 'teal', failed: 'red', not_read: 'gray', not_checked: 'gray' } as const;
  return (
    <Stack gap="sm" mt="md" aria-live="polite" data-testid="card-verify-result">
      <Alert color={result.valid ? 'teal' : 'red'} variant="light" data-testid="card-verify-verdict">
        {t(result.valid ? 'idCard.valid' : 'idCard.invalid')}
      </Alert>
      <List spacing={4} listStyleType="none" p={0}>
        {steps.map(([label, check]) => (
          <List.Item key={label}>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Badge color={color[check.status]} variant="light" tt="none" miw={90}>
                {t(`idCard.checkStatus.${check.status}`)}
              </Badge>
              <Text size="sm">
                {label}
                {check.reason ? ` — ${reasonText(t, check.reason)}` : ''}
              </Text>
            </Group>
          </List.Item>
        ))}
      </List>
      <Text fw={600} size="sm">
        {t('idCard.registryCheck')}
      </Text>
      {result.registry ? (
        result.registry.findings.length === 0 ? (
          <Text size="sm" data-testid="card-registry-ok">
            {t('idCard.registryConsistent')}
          </Text>
        ) : (
          <List size="sm" data-testid="card-registry-findings">
            {result.registry.findings.map((finding) => (
              <List.Item key={finding}>{reasonText(t, finding)}</List.Item>
            ))}
          </List>
        )
      ) : (
        <Text size="sm">{t('idCard.registryNotChecked')}</Text>
      )}
    </Stack>
  );
}
