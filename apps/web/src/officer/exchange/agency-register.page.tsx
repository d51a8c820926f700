import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Fieldset,
  Group,
  JsonInput,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { PageTitle } from '../../shared/page-title.tsx';
import { ProblemAlert } from '../../shared/problem-alert.tsx';
import { CopyValue } from './agencies.page.tsx';
import {
  emptyForm,
  emptyPurpose,
  type FormErrors,
  type PurposeDraft,
  type RegistrationForm,
  validateRegistration,
} from './agency-form.ts';
import { useRegisterAgency } from './exchange.queries.ts';
import {
  type Agency,
  documentKinds,
  exchangeEventTypes,
  exchangeFields,
  exchangeScopes,
  registrationLimits,
} from './exchange.types.ts';
import { useExchangeTranslation } from './exchange-i18n.ts';
import {
  documentKindLabel,
  exchangeEventTypeLabel,
  exchangeFieldLabel,
  scopeLabel,
} from './exchange-labels.ts';

/**
 * `/officer/exchange/agencies/new` — registers an agency with its purposes (each with its legal
 * basis or the need for the citizen's consent, and its field policy), the events and documents
 * it may use, its limits and its public keys. The answer's client id is shown once created.
 */
export function AgencyRegisterPage() {
  const { t } = useExchangeTranslation();
  const register = useRegisterAgency();
  const [form, setForm] = useState<RegistrationForm>(emptyForm);
  const [errors, setErrors] = useState<FormErrors>({});
  const [created, setCreated] = useState<Agency | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validateRegistration(form);
    setErrors(result.errors);
    if (!result.registration) return;
    register.mutate(result.registration, {
      onSuccess: (agency) => {
        setCreated(agency);
        setForm(emptyForm());
      },
    });
  };

  if (created) {
    return (
      <Created
        agency={created}
        onAnother={() => {
          register.reset();
          setCreated(null);
        }}
      />
    );
  }

  const set = <K extends keyof RegistrationForm>(key: K, value: RegistrationForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const setPurpose = (index: number, patch: Partial<PurposeDraft>) =>
    setForm((current) => ({
      ...current,
      purposes: current.purposes.map((purpose, i) => (i === index ? { ...purpose, ...patch } : purpose)),
    }));
  const hasErrors = Object.keys(errors).length > 0;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/officer/exchange/agencies" size="sm">
        {t('register.backToList')}
      </Anchor>
      <PageTitle order={1} size="h2" documentTitle={t('register.title')}>
        {t('register.title')}
      </PageTitle>
      <Text size="sm">{t('register.intro')}</Text>
      <form onSubmit={submit} noValidate aria-label={t('register.title')} data-testid="agency-form">
        <Stack gap="md">
          {hasErrors ? (
            <Alert color="red" variant="light" role="alert" data-testid="agency-form-errors">
              {t('register.fixErrors')}
            </Alert>
          ) : null}
          {register.error ? <ProblemAlert error={register.error} /> : null}
          <TextInput
            label={t('register.name')}
            value={form.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={errors.name ? t('register.nameRequired') : undefined}
            maxLength={registrationLimits.nameMax}
            required
            autoComplete="off"
            data-testid="agency-form-name"
          />
          <Choices
            label={t('register.scopes')}
            values={exchangeScopes}
            value={form.scopes}
            onChange={(value) => set('scopes', value)}
            optionLabel={(scope) => scopeLabel(t, scope)}
            showCode
            error={errors.scopes ? t('register.scopesRequired') : undefined}
            required
            testId="agency-form-scopes"
          />

          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('register.purposes')}
            </Title>
            {form.purposes.map((purpose, index) => (
              <PurposeFields
                key={purpose.key}
                purpose={purpose}
                index={index}
                errors={errors.purposes?.[index]}
                removable={form.purposes.length > 1}
                onChange={(patch) => setPurpose(index, patch)}
                onRemove={() =>
                  setForm((current) => ({
                    ...current,
                    purposes: current.purposes.filter((_, i) => i !== index),
                  }))
                }
              />
            ))}
            {form.purposes.length < registrationLimits.purposesMax ? (
              <Group>
                <Button
                  variant="outline"
                  size="xs"
                  onClick={() => set('purposes', [...form.purposes, emptyPurpose()])}
                  data-testid="agency-form-add-purpose"
                >
                  {t('register.addPurpose')}
                </Button>
              </Group>
            ) : null}
          </Stack>

          <Choices
            label={t('register.eventTypes')}
            values={exchangeEventTypes}
            value={form.eventTypes}
            onChange={(value) => set('eventTypes', value)}
            optionLabel={(type) => exchangeEventTypeLabel(t, type)}
            testId="agency-form-event-types"
          />
          <Choices
            label={t('register.documentKinds')}
            values={documentKinds}
            value={form.documentKinds}
            onChange={(value) => set('documentKinds', value)}
            optionLabel={(kind) => documentKindLabel(t, kind)}
            testId="agency-form-document-kinds"
          />

          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <LimitInput
              label={t('register.ratePerSecond')}
              value={form.ratePerSecond}
              onChange={(value) => set('ratePerSecond', value)}
              max={registrationLimits.rateMax}
              invalid={errors.ratePerSecond === true}
              testId="agency-form-rate"
            />
            <LimitInput
              label={t('register.quotaPerDay')}
              value={form.quotaPerDay}
              onChange={(value) => set('quotaPerDay', value)}
              max={registrationLimits.quotaMax}
              invalid={errors.quotaPerDay === true}
              testId="agency-form-quota"
            />
          </SimpleGrid>

          <JsonInput
            label={t('register.jwks')}
            description={t('register.jwksHint')}
            value={form.jwks}
            onChange={(value) => set('jwks', value)}
            error={
              errors.jwks === 'private'
                ? t('register.jwksPrivate')
                : errors.jwks
                  ? t('register.jwksInvalid')
                  : undefined
            }
            autosize
            minRows={4}
            maxRows={14}
            required
            autoComplete="off"
            spellCheck={false}
            data-testid="agency-form-jwks"
          />
          <Group justify="flex-end">
            <Button type="submit" loading={register.isPending} data-testid="agency-form-submit">
              {t('register.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function PurposeFields({
  purpose,
  index,
  errors,
  removable,
  onChange,
  onRemove,
}: {
  purpose: PurposeDraft;
  index: number;
  errors: NonNullable<FormErrors['purposes']>[number] | undefined;
  removable: boolean;
  onChange: (patch: Partial<PurposeDraft>) => void;
  onRemove: () => void;
}) {
  const { t } = useExchangeTranslation();
  const n = index + 1;
  return (
    <Fieldset legend={t('register.purposeN', { n })} data-testid="agency-form-purpose">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput
            label={t('register.code')}
            description={t('register.codeHint')}
            value={purpose.code}
            onChange={(e) => onChange({ code: e.currentTarget.value })}
            error={
              errors?.code === 'duplicate'
                ? t('register.codeDuplicate')
                : errors?.code
                  ? t('register.codeInvalid')
                  : undefined
            }
            maxLength={registrationLimits.purposeCodeMax}
            required
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            data-testid="purpose-code"
          />
          <Textarea
            label={t('register.description')}
            value={purpose.description}
            onChange={(e) => onChange({ description: e.currentTarget.value })}
            error={errors?.description ? t('register.descriptionRequired') : undefined}
            maxLength={registrationLimits.textMax}
            autosize
            minRows={1}
            required
            data-testid="purpose-description"
          />
        </SimpleGrid>
        <Checkbox
          checked={purpose.needsConsent}
          onChange={(e) => onChange({ needsConsent: e.currentTarget.checked })}
          label={t('register.needsConsent')}
          data-testid="purpose-needs-consent"
        />
        {purpose.needsConsent ? null : (
          <TextInput
            label={t('register.legalBasis')}
            description={t('register.legalBasisHint')}
            value={purpose.legalBasis}
            onChange={(e) => onChange({ legalBasis: e.currentTarget.value })}
            error={errors?.legalBasis ? t('register.legalBasisRequired') : undefined}
            maxLength={registrationLimits.textMax}
            required
            autoComplete="off"
            data-testid="purpose-legal-basis"
          />
        )}
        <Choices
          label={t('register.fields')}
          description={t('register.fieldsHint')}
          values={exchangeFields}
          value={purpose.fields}
          onChange={(value) => onChange({ fields: value })}
          optionLabel={(field) => exchangeFieldLabel(t, field)}
          testId="purpose-fields"
        />
        {removable ? (
          <Group justify="flex-end">
            <Button variant="subtle" color="red" size="xs" onClick={onRemove}>
              {t('register.removePurpose', { n })}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Fieldset>
  );
}

/** A catalogue as a group of checkboxes: every option visible, easy to scan and to tick on a phone. */
function Choices({
  label,
  description,
  values,
  value,
  onChange,
  optionLabel,
  showCode = false,
  error,
  required = false,
  testId,
}: {
  label: string;
  description?: string;
  values: readonly string[];
  value: string[];
  onChange: (value: string[]) => void;
  optionLabel: (value: string) => string;
  showCode?: boolean;
  error?: string | undefined;
  required?: boolean;
  testId: string;
}) {
  return (
    <Checkbox.Group
      label={label}
      description={description}
      value={value}
      onChange={onChange}
      error={error}
      required={required}
      data-testid={testId}
    >
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="xs" mt="xs">
        {values.map((option) => (
          <Checkbox
            key={option}
            value={option}
            label={optionLabel(option)}
            description={showCode ? option : undefined}
          />
        ))}
      </SimpleGrid>
    </Checkbox.Group>
  );
}

/** A whole number from 1 to `max` (rate or quota). */
function LimitInput({
  label,
  value,
  onChange,
  max,
  invalid,
  testId,
}: {
  label: string;
  value: number | string;
  onChange: (value: number | string) => void;
  max: number;
  invalid: boolean;
  testId: string;
}) {
  const { t } = useExchangeTranslation();
  return (
    <NumberInput
      label={label}
      value={value}
      onChange={onChange}
      min={1}
      max={max}
      allowDecimal={false}
      allowNegative={false}
      error={invalid ? t('register.numberInvalid', { min: 1, max }) : undefined}
      required
      data-testid={testId}
    />
  );
}

function Created({ agency, onAnother }: { agency: Agency; onAnother: () => void }) {
  const { t } = useExchangeTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  // The form is replaced by its outcome; focus follows so the result is read first.
  useEffect(() => heading.current?.focus(), []);
  return (
    <Paper withBorder p="md" radius="md" data-testid="agency-created">
      <Stack gap="sm">
        <Title order={1} size="h3" ref={heading} tabIndex={-1} style={{ outline: 'none' }}>
          {t('register.created', { name: agency.name })}
        </Title>
        <Text size="sm" fw={600}>
          {t('agencies.clientId')}
        </Text>
        <Group gap={4} wrap="nowrap">
          <Code fz="md" data-testid="agency-created-client-id" style={{ wordBreak: 'break-all' }}>
            {agency.agencyId}
          </Code>
          <CopyValue value={agency.agencyId} />
        </Group>
        <Text size="sm">{t('register.createdHint')}</Text>
        <Group gap="sm">
          <Button component={Link} to="/officer/exchange/agencies" data-testid="agency-created-back">
            {t('register.backToList')}
          </Button>
          <Button variant="default" onClick={onAnother}>
            {t('register.registerAnother')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
