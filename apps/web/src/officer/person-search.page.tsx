import {
  Anchor,
  Badge,
  Button,
  Grid,
  NativeSelect,
  Pagination,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { PeopleSearch, PersonSummary } from '../api/api.types.ts';
import { refForPerson } from '../session/person-refs.ts';
import { DateField } from '../shared/date-field.tsx';
import { formatDate, normaliseIdNumber, parseDate, todayInVietnam } from '../shared/format.ts';
import { PageTitle } from '../shared/page-title.tsx';
import { ProblemAlert } from '../shared/problem-alert.tsx';
import { sexLabel } from './labels.ts';
import { usePeopleSearch, useProvinces } from './officer.queries.ts';
import { useRecordsTranslation } from './records/records-i18n.ts';
import { useSearchState } from './search-state.context.tsx';

/** Results per page; the registry pages within the first 10,000 matches. */
const pageSize = 50;
const searchWindow = 10_000;

export function PersonSearchPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <PageTitle size="h2" documentTitle={t('search.title')}>
        {t('search.title')}
      </PageTitle>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <NameSearchForm />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <IdLookupForm />
        </Grid.Col>
      </Grid>
      <SearchResults />
    </Stack>
  );
}

/**
 * Name, date of birth and province go to the API in a POST body — never into the address
 * bar — and autocomplete is off so the browser does not remember them.
 */
function NameSearchForm() {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const headingId = useId();
  const { form, setForm, criteria, setCriteria } = useSearchState();
  const provinces = useProvinces();
  const search = usePeopleSearch(criteria);
  const [errors, setErrors] = useState<{ fullName?: string; dateOfBirth?: string }>({});
  const today = todayInVietnam();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fullName = form.fullName.trim().replace(/\s+/g, ' ');
    const next: typeof errors = {};
    if (fullName.replace(/[^\p{L}]/gu, '').length < 2) next.fullName = t('search.fullNameRequired');
    const dateOfBirth = form.dateOfBirth.trim() === '' ? undefined : parseDate(form.dateOfBirth);
    if (form.dateOfBirth.trim() !== '' && (!dateOfBirth || dateOfBirth > today))
      next.dateOfBirth = t('search.dateOfBirthInvalid');
    setErrors(next);
    if (next.fullName || next.dateOfBirth) {
      const field = next.fullName ? 'search-full-name' : 'search-date-of-birth';
      document.querySelector<HTMLElement>(`[data-testid="${field}"]`)?.focus();
      return;
    }
    const query: PeopleSearch = { fullName, limit: pageSize, offset: 0 };
    if (dateOfBirth) query.dateOfBirth = dateOfBirth;
    if (form.provinceCode) query.provinceCode = form.provinceCode;
    if (JSON.stringify(query) === JSON.stringify(criteria)) void search.refetch();
    else setCriteria(query);
  };

  const provinceOptions = [
    { value: '', label: provinces.isPending ? t('search.provincesLoading') : t('search.provinceAll') },
    ...(provinces.data ?? []).map((province) => ({ value: province.code, label: province.fullName })),
  ];

  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby={headingId} h="100%">
      <form onSubmit={submit} noValidate method="post">
        <Stack gap="sm">
          <Title order={2} size="h4" id={headingId}>
            {t('search.byNameTitle')}
          </Title>
          <TextInput
            label={t('search.fullName')}
            value={form.fullName}
            onChange={(event) => setForm({ ...form, fullName: event.currentTarget.value })}
            error={errors.fullName}
            required
            autoComplete="off"
            spellCheck={false}
            name="fullName"
            data-testid="search-full-name"
          />
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: 5 }}>
              <DateField
                label={t('search.dateOfBirth')}
                description={rt('search.dateOfBirthHint')}
                value={form.dateOfBirth}
                onChange={(event) => setForm({ ...form, dateOfBirth: event.currentTarget.value })}
                error={errors.dateOfBirth}
                name="dateOfBirth"
                data-testid="search-date-of-birth"
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 7 }}>
              <NativeSelect
                label={t('search.province')}
                description={t('search.optional')}
                value={form.provinceCode}
                onChange={(event) => setForm({ ...form, provinceCode: event.currentTarget.value })}
                data={provinceOptions}
                name="provinceCode"
                data-testid="search-province"
              />
            </Grid.Col>
          </Grid>
          {provinces.isError ? (
            <ProblemAlert error={provinces.error} onRetry={() => void provinces.refetch()} />
          ) : null}
          <Button
            type="submit"
            loading={search.isFetching}
            data-testid="search-submit"
            style={{ alignSelf: 'flex-start' }}
          >
            {t('search.submit')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

/** A 12-digit ID number opens the record directly; anything else is refused before any request. */
function IdLookupForm() {
  const { t } = useTranslation();
  const headingId = useId();
  const navigate = useNavigate();
  const { form, setForm } = useSearchState();
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const idNumber = normaliseIdNumber(form.idNumber);
    if (!idNumber) {
      setError(t('search.idNumberInvalid'));
      document.querySelector<HTMLElement>('[data-testid="id-lookup-input"]')?.focus();
      return;
    }
    setError(null);
    void navigate(`/officer/people/${refForPerson(idNumber)}`);
  };

  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby={headingId} h="100%">
      <form onSubmit={submit} noValidate method="post">
        <Stack gap="sm">
          <Title order={2} size="h4" id={headingId}>
            {t('search.byIdTitle')}
          </Title>
          <TextInput
            label={t('search.idNumber')}
            description={t('search.idNumberDescription')}
            value={form.idNumber}
            onChange={(event) => setForm({ ...form, idNumber: event.currentTarget.value })}
            error={error}
            inputMode="numeric"
            maxLength={16}
            autoComplete="off"
            spellCheck={false}
            name="idNumber"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="id-lookup-input"
          />
          <Button
            type="submit"
            variant="outline"
            data-testid="id-lookup-submit"
            style={{ alignSelf: 'flex-start' }}
          >
            {t('search.idSubmit')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function SearchResults() {
  const { t, i18n } = useTranslation();
  const rt = useRecordsTranslation();
  const headingId = useId();
  const { criteria, setCriteria } = useSearchState();
  const search = usePeopleSearch(criteria);
  if (!criteria) return null;
  const page = search.data;
  const items = page?.items ?? [];
  const number = new Intl.NumberFormat(i18n.resolvedLanguage === 'en' ? 'en-GB' : 'vi-VN');
  let status = '';
  if (search.isFetching) status = t('search.searching');
  else if (search.isSuccess && page) {
    if (page.total === 0) status = t('search.noResults');
    else {
      const found = page.totalCapped
        ? rt('search.foundMore', { count: number.format(page.total) })
        : rt('search.found', { count: page.total, total: number.format(page.total) });
      const shown =
        items.length > 0
          ? rt('search.showing', {
              from: number.format(page.offset + 1),
              to: number.format(page.offset + items.length),
            })
          : rt('search.pastEnd');
      status = `${found} ${shown}`;
    }
  }
  const pages = page ? Math.ceil(Math.min(page.total, searchWindow) / pageSize) : 0;
  const current = Math.floor((criteria.offset ?? 0) / pageSize) + 1;
  const goTo = (value: number) => {
    setCriteria({ ...criteria, offset: (value - 1) * pageSize });
    document.getElementById(headingId)?.scrollIntoView({ block: 'start' });
  };
  const pagination =
    pages > 1 ? (
      <Pagination
        total={pages}
        value={current}
        onChange={goTo}
        siblings={1}
        boundaries={1}
        size="sm"
        disabled={search.isFetching}
        getControlProps={(control) => ({
          'aria-label': rt(`search.pageControls.${control}`),
        })}
        getItemProps={(value) => ({ 'aria-label': rt('search.pageNumber', { page: value }) })}
        data-testid="search-pagination"
      />
    ) : null;

  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={headingId} style={{ scrollMarginTop: 'var(--mantine-spacing-md)' }}>
          {t('search.resultsTitle')}
        </Title>
        <Text size="sm" role="status" aria-live="polite" data-testid="search-status">
          {status}
        </Text>
        {search.isError ? <ProblemAlert error={search.error} onRetry={() => void search.refetch()} /> : null}
        {items.length > 0 ? (
          <Table.ScrollContainer minWidth={640}>
            <Table
              striped
              highlightOnHover
              aria-labelledby={headingId}
              aria-busy={search.isPlaceholderData}
              data-testid="search-results"
              verticalSpacing="sm"
              style={{ opacity: search.isPlaceholderData ? 0.6 : 1 }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('search.columns.fullName')}</Table.Th>
                  <Table.Th scope="col">{t('search.columns.dateOfBirth')}</Table.Th>
                  <Table.Th scope="col">{t('search.columns.sex')}</Table.Th>
                  <Table.Th scope="col">{t('search.columns.address')}</Table.Th>
                  <Table.Th scope="col">{t('search.columns.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((person) => (
                  <ResultRow key={person.idNumber} person={person} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
        {pagination}
        {search.isSuccess && page?.totalCapped ? (
          <Text size="sm" c="dimmed" data-testid="search-narrow">
            {rt('search.narrow', { count: number.format(searchWindow) })}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}

function ResultRow({ person }: { person: PersonSummary }) {
  const { t } = useTranslation();
  return (
    <Table.Tr data-testid="search-result-row">
      <Table.Th scope="row" fw={500}>
        <Anchor
          component={Link}
          to={`/officer/people/${refForPerson(person.idNumber)}`}
          data-testid="search-result-link"
        >
          {person.fullName}
        </Anchor>
        <Text size="xs" c="dimmed" ff="monospace">
          {person.idNumber}
        </Text>
      </Table.Th>
      <Table.Td>{formatDate(person.dateOfBirth)}</Table.Td>
      <Table.Td>{sexLabel(t, person.sex)}</Table.Td>
      <Table.Td>{person.permanentAddress?.text ?? t('common.none')}</Table.Td>
      <Table.Td>
        {person.dateOfDeath ? (
          <Badge color="dark" variant="filled" size="sm" tt="none" data-testid="deceased-badge">
            {t('person.deceased')} {formatDate(person.dateOfDeath)}
          </Badge>
        ) : (
          t('common.none')
        )}
      </Table.Td>
    </Table.Tr>
  );
}
