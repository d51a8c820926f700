import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Stepper,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { type Api, useApi } from '../../session/session.context.tsx';
import { DateField } from '../../shared/date-field.tsx';
import { formatDate } from '../../shared/format.ts';
import { PageTitle } from '../../shared/page-title.tsx';
import { ProblemAlert } from '../../shared/problem-alert.tsx';
import { defaultLegalBasis, type RecordKind } from './record-kinds.ts';
import { type RecordsT, useRecordsTranslation } from './records-i18n.ts';
import type { FieldErrors } from './validation.ts';

export type Step = 'edit' | 'review' | 'done';

/** What every civil event records besides its data (packages/registry `Justification`). */
interface Justification {
  reason?: string | undefined;
  legalBasis?: string | undefined;
}

/**
 * One civil-event procedure: the clerk fills the form, reviews what will change, confirms, and
 * sees the result. The body is validated before the review; the server validates it again (and
 * checks what only it knows) when the clerk confirms.
 */
export function useRecordFlow<Body, Result, Preview = null>(options: {
  submit: (api: Api, body: Body) => Promise<Result>;
  /** ID numbers whose cached data the event changes. */
  affected: (body: Body, result: Result) => string[];
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>('edit');
  const [body, setBody] = useState<Body | null>(null);
  // What the review showed (the people as they were), kept for the result after they change.
  const [preview, setPreview] = useState<Preview | null>(null);
  const mutation = useMutation({
    mutationFn: (value: Body) => options.submit(api, value),
    onSuccess: async (result, value) => {
      await Promise.all(
        options
          .affected(value, result)
          .map((id) => queryClient.invalidateQueries({ queryKey: ['people', id] })),
      );
      await queryClient.invalidateQueries({ queryKey: ['people', 'search'] });
      setStep('done');
    },
  });
  return {
    step,
    body,
    preview,
    result: mutation.data,
    error: mutation.error,
    pending: mutation.isPending,
    review(value: Body, shown: Preview) {
      setBody(value);
      setPreview(shown);
      mutation.reset();
      setStep('review');
    },
    back() {
      setStep('edit');
    },
    confirm() {
      if (body !== null) mutation.mutate(body);
    },
  };
}

export type RecordFlow<Body, Result, Preview = null> = ReturnType<
  typeof useRecordFlow<Body, Result, Preview>
>;

/**
 * A procedure's state in one place: the flow, the field errors and the justification, and the
 * props of its `RecordSteps` (`steps`).
 */
export function useRecordForm<Body extends Justification, Result, Preview>(
  kind: RecordKind,
  options: Parameters<typeof useRecordFlow<Body, Result, Preview>>[0],
) {
  const flow = useRecordFlow<Body, Result, Preview>(options);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [justification, setJustification] = useJustification(kind);
  return {
    flow,
    errors,
    setErrors,
    justification,
    steps: { kind, flow, errors, justification, onJustification: setJustification },
  };
}

/** Why and on what basis, as the form holds them; the legal basis starts as the procedure's default. */
export function useJustification(kind: RecordKind) {
  return useState({ reason: '', legalBasis: defaultLegalBasis[kind] });
}

/**
 * A procedure's three steps: the form (with the justification fields), the review of `preview`
 * and the result. The form decides when to review (`onReview` validates, then `flow.review`).
 */
export function RecordSteps<Body extends Justification, Result, Preview>({
  kind,
  flow,
  errors,
  onReview,
  onAgain,
  justification,
  onJustification,
  form,
  review,
  result,
  effective,
}: {
  kind: RecordKind;
  flow: RecordFlow<Body, Result, Preview>;
  errors: FieldErrors;
  onReview: () => void;
  onAgain: () => void;
  justification: { reason: string; legalBasis: string };
  onJustification: (value: { reason: string; legalBasis: string }) => void;
  form: ReactNode;
  review: (body: Body, preview: Preview) => ReactNode;
  result: (result: Result, preview: Preview, body: Body) => ReactNode;
  effective?: (body: Body) => { label: string; date: string };
}) {
  const { body, preview } = flow;
  return (
    <RecordPage kind={kind} step={flow.step}>
      {flow.step === 'edit' ? (
        <EditStep errors={errors} onSubmit={onReview}>
          {form}
          <JustificationFields {...justification} onChange={onJustification} errors={errors} />
        </EditStep>
      ) : null}
      {flow.step === 'review' && body !== null && preview !== null ? (
        <ReviewStep flow={flow} justification={body} effective={effective?.(body)}>
          {review(body, preview)}
        </ReviewStep>
      ) : null}
      {flow.step === 'done' && flow.result !== undefined && body !== null && preview !== null ? (
        <ResultStep onAgain={onAgain}>{result(flow.result, preview, body)}</ResultStep>
      ) : null}
    </RecordPage>
  );
}

/** The date a procedure takes effect, typed as dd/mm/yyyy; `name` is its body field. */
export function EventDateField({
  name,
  label,
  value,
  onChange,
  errors,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: FieldErrors;
}) {
  return (
    <DateField
      label={label}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={errors[name]}
      required
      data-field={name}
      data-testid={`field-${name}`}
    />
  );
}

/** The page of a procedure: its title, the three steps, and the current step's content. */
export function RecordPage({ kind, step, children }: { kind: RecordKind; step: Step; children: ReactNode }) {
  const rt = useRecordsTranslation();
  const narrow = useMediaQuery('(max-width: 36em)');
  const active = step === 'edit' ? 0 : step === 'review' ? 1 : 3;
  return (
    <Stack gap="lg" data-testid={`record-${kind}`}>
      <Anchor component={Link} to="/officer/records" size="sm">
        ← {rt('backToList')}
      </Anchor>
      <PageTitle size="h2" documentTitle={rt(`kinds.${kind}.title`)}>
        {rt(`kinds.${kind}.title`)}
      </PageTitle>
      <Text size="sm" c="dimmed">
        {rt(`kinds.${kind}.description`)}
      </Text>
      <Stepper
        active={active}
        size="sm"
        orientation={narrow ? 'vertical' : 'horizontal'}
        allowNextStepsSelect={false}
      >
        <Stepper.Step label={rt('steps.edit')} />
        <Stepper.Step label={rt('steps.review')} />
        <Stepper.Step label={rt('steps.done')} />
      </Stepper>
      {children}
    </Stack>
  );
}

/** A step's heading, focused when the step appears (screen readers announce where they are). */
export function StepHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <Title
      order={2}
      size="h4"
      ref={ref}
      tabIndex={-1}
      style={{ outline: 'none' }}
      data-testid="record-step-heading"
    >
      {children}
    </Title>
  );
}

/** A form step: fields, a summary of errors, and "Review". */
export function EditStep({
  children,
  errors,
  onSubmit,
}: {
  children: ReactNode;
  errors: FieldErrors;
  onSubmit: () => void;
}) {
  const rt = useRecordsTranslation();
  const count = Object.keys(errors).length;
  return (
    <Paper withBorder p="md" radius="md">
      <form
        noValidate
        method="post"
        autoComplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        <Stack gap="md">
          <StepHeading>{rt('steps.edit')}</StepHeading>
          {children}
          <div role="status" aria-live="polite">
            {count > 0 ? (
              <Text size="sm" c="red.8" data-testid="record-errors">
                {rt('validation.summary', { count })}
              </Text>
            ) : null}
          </div>
          <Group>
            <Button type="submit" data-testid="record-review">
              {rt('actions.review')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The review: what will change, on what ground; confirm or go back to the form. */
export function ReviewStep({
  flow,
  children,
  justification,
  effective,
}: {
  flow: { back: () => void; confirm: () => void; pending: boolean; error: unknown };
  children: ReactNode;
  justification: { reason?: string | undefined; legalBasis?: string | undefined };
  /** The date the event takes effect, when the tables above do not show it. */
  effective?: { label: string; date: string } | undefined;
}) {
  const rt = useRecordsTranslation();
  return (
    <Paper withBorder p="md" radius="md" data-testid="record-review-step">
      <Stack gap="md">
        <StepHeading>{rt('steps.review')}</StepHeading>
        <Text size="sm">{rt('review.intro')}</Text>
        {children}
        <Table variant="vertical" layout="fixed" withTableBorder>
          <Table.Tbody>
            {effective ? (
              <Table.Tr>
                <Table.Th w="35%">{effective.label}</Table.Th>
                <Table.Td data-testid="review-effective-date">{formatDate(effective.date)}</Table.Td>
              </Table.Tr>
            ) : null}
            <Table.Tr>
              <Table.Th w="35%">{rt('fields.reason')}</Table.Th>
              <Table.Td data-testid="review-reason">{justification.reason || rt('review.noReason')}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{rt('fields.legalBasis')}</Table.Th>
              <Table.Td data-testid="review-legal-basis">{justification.legalBasis}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {flow.error ? <ProblemAlert error={flow.error} /> : null}
        <Group>
          <Button onClick={flow.confirm} loading={flow.pending} data-testid="record-confirm">
            {rt('actions.confirm')}
          </Button>
          <Button variant="default" onClick={flow.back} disabled={flow.pending} data-testid="record-back">
            {rt('actions.back')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The result: what was recorded, links to the people it concerns, and another of the same. */
export function ResultStep({ children, onAgain }: { children: ReactNode; onAgain: () => void }) {
  const rt = useRecordsTranslation();
  return (
    <Paper withBorder p="md" radius="md" data-testid="record-result">
      <Stack gap="md">
        <StepHeading>{rt('steps.done')}</StepHeading>
        <Alert color="teal" variant="light" title={rt('result.recorded')} data-testid="record-result-alert">
          <Stack gap="xs">{children}</Stack>
        </Alert>
        <Group>
          <Button variant="default" onClick={onAgain} data-testid="record-again">
            {rt('actions.again')}
          </Button>
          <Anchor component={Link} to="/officer/records" size="sm">
            {rt('backToList')}
          </Anchor>
        </Group>
      </Stack>
    </Paper>
  );
}

export interface ChangeRow {
  label: string;
  before: string;
  after: string;
}

/**
 * One person's record before and after, changed rows marked; a record about to be created
 * (`created`) shows only what it will hold.
 */
export function ChangeTable({
  title,
  rows,
  testId,
  created = false,
}: {
  title: string;
  rows: ChangeRow[];
  testId?: string;
  created?: boolean;
}) {
  const rt = useRecordsTranslation();
  const captionId = useId();
  return (
    <Stack gap={4} data-testid={testId ?? 'change-table'}>
      <Text fw={600} id={captionId}>
        {title}
      </Text>
      <Table.ScrollContainer minWidth={created ? 320 : 480}>
        <Table aria-labelledby={captionId} withTableBorder verticalSpacing="xs" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col" w={created ? '40%' : '30%'}>
                {rt('review.columns.field')}
              </Table.Th>
              {created ? null : <Table.Th scope="col">{rt('review.columns.before')}</Table.Th>}
              <Table.Th scope="col">{rt('review.columns.after')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const changed = !created && row.before !== row.after;
              return (
                <Table.Tr key={row.label} data-testid="change-row" data-changed={changed}>
                  <Table.Th scope="row" fw={500}>
                    {row.label}
                  </Table.Th>
                  {created ? null : <Table.Td c={changed ? 'dimmed' : undefined}>{row.before}</Table.Td>}
                  <Table.Td fw={changed ? 600 : undefined}>
                    {row.after}
                    {changed ? (
                      <Badge size="xs" variant="light" ml="xs" tt="none">
                        {rt('review.changed')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** Why and on what legal basis: recorded on the event and on the access log. */
export function JustificationFields({
  reason,
  legalBasis,
  onChange,
  errors,
}: {
  reason: string;
  legalBasis: string;
  onChange: (value: { reason: string; legalBasis: string }) => void;
  errors: FieldErrors;
}) {
  const rt = useRecordsTranslation();
  return (
    <>
      <Textarea
        label={rt('fields.reason')}
        description={rt('fields.reasonHint')}
        value={reason}
        onChange={(event) => onChange({ reason: event.currentTarget.value, legalBasis })}
        error={errors.reason}
        autosize
        minRows={2}
        maxLength={500}
        data-field="reason"
        data-testid="field-reason"
      />
      <TextInput
        label={rt('fields.legalBasis')}
        value={legalBasis}
        onChange={(event) => onChange({ reason, legalBasis: event.currentTarget.value })}
        error={errors.legalBasis}
        maxLength={200}
        data-field="legalBasis"
        data-testid="field-legal-basis"
      />
    </>
  );
}

/** `undefined` for a blank text, so optional fields are left out of the body. */
export function optionalText(value: string): string | undefined {
  const text = value.trim();
  return text === '' ? undefined : text;
}

export function justificationOf(value: { reason: string; legalBasis: string }) {
  return { reason: optionalText(value.reason), legalBasis: optionalText(value.legalBasis) };
}

export type { RecordsT };
