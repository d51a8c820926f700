import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { documentsEn } from '../i18n/documents.en.ts';
import { type DocumentsKey, documentsVi } from '../i18n/documents.vi.ts';
import { i18n } from '../i18n/i18n.ts';
import { useApi } from '../session/session.context.tsx';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { documentKinds } from './exchange/exchange.types.ts';
import { Fact, Facts, Section } from './section.tsx';

// The namespace is added here rather than in i18next's typed resources: the `translation`
// namespace's key union is at the limit of what TypeScript will instantiate (see exchange-i18n.ts).
if (!i18n.hasResourceBundle('vi', 'documents')) {
  i18n.addResourceBundle('vi', 'documents', documentsVi);
  i18n.addResourceBundle('en', 'documents', documentsEn);
}

type DocumentsT = (key: DocumentsKey, options?: Readonly<Record<string, string | number>>) => string;

/** The `documents` namespace's strings in the current language (re-rendered when it changes). */
export function useDocumentsTranslation(): DocumentsT {
  const { i18n: instance } = useTranslation();
  const language = instance.resolvedLanguage ?? 'vi';
  return useMemo(() => {
    const fixed = (
      instance.getFixedT as unknown as (lng: string, ns: string) => (key: string, o?: object) => string
    )(language, 'documents');
    return (key, options) => String(fixed(key, options));
  }, [instance, language]);
}

interface DocumentState {
  version: number;
  issuer: string | null;
  issuedOn: string | null;
  validFrom: string | null;
  validUntil: string | null;
  data: Record<string, unknown>;
  receivedAt: string;
  recordedAt: string | null;
}

/** A person's document from one agency, as `GET /api/exchange/v1/officer/people/{id}/documents` returns it. */
export interface PersonDocument extends DocumentState {
  kind: string;
  number: string;
  source: { agencyId: string; name: string };
  status: 'valid' | 'expired' | 'not_yet_valid';
  history: DocumentState[];
}

/** The officer's read of a person's documents; the server records it on the person's access log. */
export function usePersonDocuments(idNumber: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['exchange', 'officer', 'documents', idNumber],
    queryFn: ({ signal }) =>
      api.get<{ items: PersonDocument[] }>(
        `/api/exchange/v1/officer/people/${encodeURIComponent(idNumber)}/documents`,
        signal,
      ),
    select: (data) => data.items,
  });
}

const kinds: ReadonlySet<string> = new Set(documentKinds);
const kindLabel = (t: DocumentsT, kind: string) =>
  kinds.has(kind) ? t(`kind_${kind}` as DocumentsKey) : kind;

const statusColour = { valid: 'teal', expired: 'gray', not_yet_valid: 'yellow' } as const;

function validity(t: DocumentsT, from: string | null | undefined, to: string | null | undefined): string {
  if (from && to) return t('validityRange', { from: formatDate(from), to: formatDate(to) });
  if (from) return t('validityFrom', { from: formatDate(from) });
  if (to) return t('validityUntil', { to: formatDate(to) });
  return t('noExpiry');
}

const text = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

/** The kind's own details, as label/value pairs; unknown fields are left out. */
function details(t: DocumentsT, kind: string, data: Record<string, unknown>): [string, string | null][] {
  switch (kind) {
    case 'healthInsuranceCard': {
      const facility = data.primaryCareFacility as { code?: string; name?: string } | undefined;
      return [
        [
          t('primaryCareFacility'),
          facility ? [facility.name, facility.code && `(${facility.code})`].filter(Boolean).join(' ') : null,
        ],
        [
          t('fiveConsecutiveYearsFrom'),
          text(data.fiveConsecutiveYearsFrom) && formatDate(text(data.fiveConsecutiveYearsFrom)),
        ],
      ];
    }
    case 'taxCode':
      return [[t('taxOffice'), text(data.taxOffice)]];
    case 'drivingLicence': {
      const classes = Array.isArray(data.classes)
        ? (data.classes as { class: string; validFrom?: string; validUntil: string | null }[])
        : [];
      return [
        [
          t('classes'),
          classes
            .map((entry) =>
              t('classValidity', {
                class: entry.class,
                validity: validity(t, entry.validFrom, entry.validUntil),
              }),
            )
            .join('; ') || null,
        ],
      ];
    }
    case 'vehicleRegistration':
      return [
        [t('plate'), text(data.plate)],
        [
          t('vehicle'),
          [data.vehicleType, data.make, data.model, data.colour].map(text).filter(Boolean).join(', ') || null,
        ],
        [t('chassisNumber'), text(data.chassisNumber)],
        [t('engineNumber'), text(data.engineNumber)],
      ];
    case 'vaccination':
      return [
        [
          t('vaccine'),
          [text(data.vaccine), text(data.disease) && `(${text(data.disease)})`].filter(Boolean).join(' ') ||
            null,
        ],
        [t('dose'), text(data.doseNumber)],
        [t('administeredOn'), text(data.administeredOn) && formatDate(text(data.administeredOn))],
        [t('place'), text(data.place)],
        [t('lot'), text(data.lot)],
      ];
    case 'criminalRecordCertificate':
      return [
        [
          t('certificateType'),
          text(data.certificateType) && t('certificateTypeValue', { type: text(data.certificateType)! }),
        ],
        [
          t('convictions'),
          typeof data.hasConvictions === 'boolean'
            ? t(data.hasConvictions ? 'hasConvictions' : 'noConvictions')
            : null,
        ],
      ];
    default:
      return [];
  }
}

/**
 * "Giấy tờ tích hợp": the documents sector agencies pushed for this person (driving licence,
 * health-insurance card, tax code …), each with its source, validity and earlier versions.
 * Opening the person page reads them, and the server puts that read on the access log.
 */
export function PersonDocuments({ idNumber }: { idNumber: string }) {
  const t = useDocumentsTranslation();
  const documents = usePersonDocuments(idNumber);
  const items = documents.data ?? [];
  return (
    <Section title={t('title')} testId="documents-section">
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      {documents.isPending ? (
        <Text size="sm" role="status">
          {t('loading')}
        </Text>
      ) : documents.isError ? (
        <ProblemAlert error={documents.error} onRetry={() => void documents.refetch()} />
      ) : items.length === 0 ? (
        <Text size="sm" data-testid="documents-none">
          {t('none')}
        </Text>
      ) : (
        <Stack gap="sm">
          {items.map((document) => (
            <DocumentCard
              key={`${document.kind}/${document.source.agencyId}/${document.number}`}
              document={document}
              t={t}
            />
          ))}
        </Stack>
      )}
    </Section>
  );
}

function DocumentCard({ document, t }: { document: PersonDocument; t: DocumentsT }) {
  return (
    <Paper withBorder p="sm" radius="sm" data-testid="document-item">
      <Stack gap="xs">
        <Group gap="sm" justify="space-between">
          <Text fw={600} data-testid="document-kind">
            {kindLabel(t, document.kind)}
          </Text>
          <Group gap="xs">
            <Badge
              color={statusColour[document.status]}
              variant="light"
              tt="none"
              data-testid="document-status"
            >
              {t(`status_${document.status}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {t('version', { version: document.version })}
            </Text>
          </Group>
        </Group>
        <Facts>
          <Fact label={t('number')}>
            <Text span size="sm" ff="monospace" data-testid="document-number">
              {document.number}
            </Text>
          </Fact>
          <Fact label={t('source')}>{document.source.name}</Fact>
          <Fact label={t('issuer')}>{document.issuer}</Fact>
          <Fact label={t('issuedOn')}>{document.issuedOn ? formatDate(document.issuedOn) : null}</Fact>
          {document.kind === 'vaccination' ? null : (
            <Fact label={t('validity')}>{validity(t, document.validFrom, document.validUntil)}</Fact>
          )}
          {details(t, document.kind, document.data).map(([label, value]) => (
            <Fact key={label} label={label}>
              {value}
            </Fact>
          ))}
          <Fact label={t('received')}>{formatDateTime(document.receivedAt)}</Fact>
        </Facts>
        {document.history.length > 0 ? (
          <details data-testid="document-history">
            <summary>
              <Text span size="sm">
                {t('history', { count: document.history.length })}
              </Text>
            </summary>
            <Stack gap={2} mt="xs" component="ul" style={{ paddingInlineStart: '1.25rem', margin: 0 }}>
              {document.history.map((state) => (
                <Text component="li" size="xs" key={state.version}>
                  {t('historyEntry', {
                    version: state.version,
                    issuedOn: formatDate(state.issuedOn),
                    validity: validity(t, state.validFrom, state.validUntil),
                    received: formatDateTime(state.receivedAt),
                  })}
                </Text>
              ))}
            </Stack>
          </details>
        ) : null}
      </Stack>
    </Paper>
  );
}
