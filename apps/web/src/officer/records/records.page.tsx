import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, Navigate, type RouteObject, useNavigate, useParams } from 'react-router';
import { personForRef } from '../../session/person-refs.ts';
import { useSession } from '../../session/session.context.tsx';
import { PageTitle } from '../../shared/page-title.tsx';
import { BirthForm } from './birth.form.tsx';
import { CorrectionForm } from './correction.form.tsx';
import { CoupleForm } from './couple.forms.tsx';
import { DeathForm } from './death.form.tsx';
import { GuardianshipForm, ParentageForm } from './link.forms.tsx';
import { isRecordKind, type RecordFormProps, type RecordKind, recordKinds } from './record-kinds.ts';
import { useRecordsTranslation } from './records-i18n.ts';

/** `/officer/records`: the procedures a clerk can record, each with what it does. */
export function RecordsPage() {
  const rt = useRecordsTranslation();
  const unit = useSession().session?.me.unit;
  return (
    <Stack gap="lg">
      <PageTitle size="h2" documentTitle={rt('title')}>
        {rt('title')}
      </PageTitle>
      <Text>{rt('intro')}</Text>
      {unit ? (
        <Text size="sm" c="dimmed">
          {unit.level === 'country' ? rt('unitNoteCountry') : rt('unitNote', { unit: unit.name })}
        </Text>
      ) : null}
      <SimpleGrid
        cols={{ base: 1, sm: 2, lg: 3 }}
        spacing="md"
        component="ul"
        style={{ listStyle: 'none', padding: 0 }}
      >
        {recordKinds.map((kind) => (
          <Paper key={kind} component="li" withBorder p="md" radius="md">
            <Stack gap={6}>
              <Title order={2} size="h5">
                <Anchor
                  component={Link}
                  to={`/officer/records/${kind}`}
                  data-testid={`records-start-${kind}`}
                >
                  {rt(`kinds.${kind}.title`)}
                </Anchor>
              </Title>
              <Text size="sm" c="dimmed">
                {rt(`kinds.${kind}.description`)}
              </Text>
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

const forms: Record<RecordKind, (props: RecordFormProps) => React.JSX.Element> = {
  birth: BirthForm,
  death: DeathForm,
  marriage: (props) => <CoupleForm kind="marriage" {...props} />,
  divorce: (props) => <CoupleForm kind="divorce" {...props} />,
  guardianship: GuardianshipForm,
  parentage: ParentageForm,
  correction: CorrectionForm,
};

/**
 * `/officer/records/:kind` and `/officer/records/:kind/:ref`: one procedure, started empty or
 * from a person's page (`ref` is the page's opaque in-memory reference, never an ID number).
 */
export function RecordRoute() {
  const { kind, ref } = useParams();
  const navigate = useNavigate();
  const [round, setRound] = useState(0);
  if (!isRecordKind(kind)) return <Navigate to="/officer/records" replace />;
  const subjectId = ref === undefined ? undefined : personForRef(ref);
  // A reference from before a reload or sign-out means nothing now: start empty.
  if (ref !== undefined && subjectId === undefined)
    return <Navigate to={`/officer/records/${kind}`} replace />;
  const Form = forms[kind];
  return (
    <Form
      key={`${kind}-${ref ?? ''}-${round}`}
      subjectId={subjectId}
      onAgain={() => {
        setRound((value) => value + 1);
        void navigate(`/officer/records/${kind}`);
      }}
    />
  );
}

/** The officer console's routes for recording civil events (children of `/officer`). */
export const recordRoutes: RouteObject[] = [
  { path: 'records', element: <RecordsPage /> },
  { path: 'records/:kind', element: <RecordRoute /> },
  { path: 'records/:kind/:ref', element: <RecordRoute /> },
];
