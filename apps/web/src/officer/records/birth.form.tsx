import { BirthRegistration } from '@dinhdanh/registry/schemas';
import { Checkbox, Fieldset, Grid, NativeSelect, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Person, type RelationToHead, relationsToHead } from '../../api/api.types.ts';
import { registryPath } from '../../api/api-client.ts';
import { formatDate, parseDate, todayInVietnam } from '../../shared/format.ts';
import { relationToHeadLabel, sexLabel } from '../labels.ts';
import { useHousehold, usePerson } from '../officer.queries.ts';
import { PersonLink } from '../person-link.tsx';
import {
  AddressFields,
  type AddressValue,
  addressInput,
  UnitFields,
  type UnitValue,
  useInitialUnit,
  useUnitText,
} from './address-field.tsx';
import { ageOn, personTitle } from './people.ts';
import { lookupError, PersonIdField, type PersonLookup, usePersonLookup } from './person-field.tsx';
import {
  type ChangeRow,
  ChangeTable,
  EventDateField,
  justificationOf,
  optionalText,
  RecordSteps,
  useRecordForm,
} from './record-flow.tsx';
import type { RecordFormProps } from './record-kinds.ts';
import { type RecordsT, useRecordsTranslation } from './records-i18n.ts';
import { checkBody, type FieldErrors, focusFirstError } from './validation.ts';

type Role = 'father' | 'mother';
type Residence = 'father' | 'mother' | 'address';

interface ParentDraft {
  idInput: string;
  /** Not in the registry (a foreign parent): recorded by name. */
  outside: boolean;
  fullName: string;
  nationality: string;
}

const emptyParent: ParentDraft = { idInput: '', outside: false, fullName: '', nationality: '' };
const childRelations = relationsToHead.filter((relation) => relation !== 'head');

/** How a child relates to the head of the household of a parent who is `parentRelation` to it. */
function childRelationFor(parentRelation: RelationToHead | null): RelationToHead {
  if (parentRelation === 'head' || parentRelation === 'spouse') return 'child';
  if (parentRelation === 'child' || parentRelation === 'child_in_law') return 'grandchild';
  return 'other_relative';
}

/** One parent: an ID number looked up in the registry, or a name and nationality. */
function ParentFields({
  parent: role,
  draft,
  onChange,
  lookup,
  errors,
}: {
  parent: Role;
  draft: ParentDraft;
  onChange: (draft: ParentDraft) => void;
  lookup: PersonLookup;
  errors: FieldErrors;
}) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  return (
    <Fieldset legend={t(`relations.${role}`)} variant="unstyled">
      <Stack gap="xs">
        <Checkbox
          label={rt('fields.parentOutside')}
          checked={draft.outside}
          onChange={(event) => onChange({ ...draft, outside: event.currentTarget.checked })}
          data-testid={`field-${role}-outside`}
        />
        {draft.outside ? (
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: 7 }}>
              <TextInput
                label={rt('fields.fullName')}
                value={draft.fullName}
                onChange={(event) => onChange({ ...draft, fullName: event.currentTarget.value })}
                error={errors[`${role}.fullName`]}
                maxLength={100}
                data-field={`${role}.fullName`}
                data-testid={`field-${role}-name`}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 5 }}>
              <TextInput
                label={t('fields.nationality')}
                value={draft.nationality}
                onChange={(event) => onChange({ ...draft, nationality: event.currentTarget.value })}
                maxLength={50}
                data-testid={`field-${role}-nationality`}
              />
            </Grid.Col>
          </Grid>
        ) : (
          <PersonIdField
            label={rt('fields.parentIdNumber')}
            description={rt('fields.optionalIdNumberHint')}
            lookup={{
              ...lookup,
              input: draft.idInput,
              setInput: (idInput) => onChange({ ...draft, idInput }),
            }}
            errors={errors}
            field={`${role}IdNumber`}
          />
        )}
      </Stack>
    </Fieldset>
  );
}

/** A parent's part of the body, and what is wrong with it as the form sees it. */
function parentPart(
  rt: RecordsT,
  role: Role,
  draft: ParentDraft,
  lookup: PersonLookup,
  dateOfBirth: string | undefined,
) {
  const errors: FieldErrors = {};
  if (draft.outside) {
    const name = optionalText(draft.fullName);
    return {
      body: name ? { [role]: { fullName: name, nationality: optionalText(draft.nationality) } } : {},
      errors: name ? errors : { [`${role}.fullName`]: rt('validation.required') },
    };
  }
  if (draft.idInput.trim() === '') return { body: {}, errors };
  const field = `${role}IdNumber`;
  const missing = lookupError(lookup, rt);
  const parent = lookup.person.data;
  if (missing) errors[field] = missing;
  else if (parent && parent.sex !== (role === 'father' ? 'male' : 'female'))
    errors[field] = rt(role === 'father' ? 'validation.fatherMale' : 'validation.motherFemale');
  else if (parent && dateOfBirth && ageOn(parent.dateOfBirth, dateOfBirth) < 13)
    errors[field] = rt('validation.parentAge');
  return { body: { [field]: lookup.idNumber ?? draft.idInput }, errors };
}

interface Preview {
  rows: ChangeRow[];
}

/**
 * Đăng ký khai sinh: the child's record is created and given its personal identification
 * number; it joins a parent's household or gets its own permanent address.
 */
export function BirthForm({ subjectId, onAgain }: RecordFormProps) {
  const { t } = useTranslation();
  const rt = useRecordsTranslation();
  const [fullName, setFullName] = useState('');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [sex, setSex] = useState<'male' | 'female' | ''>('');
  const [placeOfBirth, setPlaceOfBirth] = useState('');
  const [registration, setRegistration] = useState<UnitValue>(useInitialUnit());
  const [father, setFather] = useState<ParentDraft>(emptyParent);
  const [mother, setMother] = useState<ParentDraft>(emptyParent);
  const [ethnicity, setEthnicity] = useState('Kinh');
  const [religion, setReligion] = useState('Không');
  const [nationality, setNationality] = useState('Việt Nam');
  const [placeOfOrigin, setPlaceOfOrigin] = useState('');
  // Until the clerk chooses, a parent's household when there is one.
  const [chosenResidence, setResidence] = useState<Residence | null>(null);
  const [relationToHead, setRelationToHead] = useState<RelationToHead>('child');
  const [address, setAddress] = useState<AddressValue>({ ...useInitialUnit(), detail: '' });
  const fatherLookup = usePersonLookup(father.outside ? '' : father.idInput);
  const motherLookup = usePersonLookup(mother.outside ? '' : mother.idInput);
  const registrationText = useUnitText(registration);
  const addressText = useUnitText(address);

  // Opened from a parent's page: that parent is filled in.
  const subject = usePerson(subjectId).data;
  useEffect(() => {
    if (!subject) return;
    if (subject.sex === 'female')
      setMother((draft) => (draft.idInput ? draft : { ...draft, idInput: subject.idNumber }));
    else setFather((draft) => (draft.idInput ? draft : { ...draft, idInput: subject.idNumber }));
  }, [subject]);

  // The household offered: the mother's, else the father's (registry parents only).
  const households = (['mother', 'father'] as const).filter(
    (role) => (role === 'mother' ? motherLookup : fatherLookup).person.data?.householdId,
  );
  const residence: Residence =
    chosenResidence && (chosenResidence === 'address' || households.includes(chosenResidence))
      ? chosenResidence
      : (households[0] ?? 'address');
  const chosenParent =
    residence === 'address' ? undefined : (residence === 'mother' ? motherLookup : fatherLookup).person.data;
  const household = useHousehold(chosenParent?.householdId);
  useEffect(() => {
    if (chosenParent) setRelationToHead(childRelationFor(chosenParent.relationToHead));
  }, [chosenParent]);

  const { flow, errors, setErrors, justification, steps } = useRecordForm<BirthRegistration, Person, Preview>(
    'birth',
    {
      submit: (api, body) => api.post<Person>(registryPath('births'), body),
      affected: (body) => [body.fatherIdNumber, body.motherIdNumber].filter((id): id is string => !!id),
    },
  );

  const review = () => {
    const iso = parseDate(dateOfBirth);
    const fatherPart = parentPart(rt, 'father', father, fatherLookup, iso);
    const motherPart = parentPart(rt, 'mother', mother, motherLookup, iso);
    const inHousehold = residence !== 'address' && chosenParent?.householdId;
    const body = {
      fullName: fullName.trim().replace(/\s+/g, ' '),
      dateOfBirth: iso ?? dateOfBirth,
      sex: sex === '' ? undefined : sex,
      placeOfBirth: placeOfBirth.trim(),
      registrationCommuneCode: registration.communeCode,
      ...fatherPart.body,
      ...motherPart.body,
      ethnicity: ethnicity.trim(),
      religion: religion.trim(),
      nationality: nationality.trim(),
      placeOfOrigin: optionalText(placeOfOrigin),
      ...(inHousehold
        ? { householdId: chosenParent.householdId, relationToHead }
        : { permanentAddress: addressInput(address) }),
      ...justificationOf(justification),
    };
    const checked = checkBody(BirthRegistration, body, rt);
    const found: FieldErrors = {
      ...(checked.ok ? {} : checked.errors),
      ...fatherPart.errors,
      ...motherPart.errors,
    };
    if (iso && iso > todayInVietnam()) found.dateOfBirth = rt('validation.future');
    if (!inHousehold && address.communeCode === '')
      found['permanentAddress.communeCode'] = rt('validation.required');
    setErrors(found);
    if (Object.keys(found).length > 0 || !checked.ok) return focusFirstError(found);
    const none = t('common.none');
    const parentText = (role: Role, lookup: PersonLookup) => {
      const value = checked.value[role];
      if (value) return `${value.fullName} (${t('relations.notInRegistry')})`;
      return lookup.person.data && checked.value[`${role}IdNumber`] ? personTitle(lookup.person.data) : none;
    };
    const value = checked.value;
    const rows: ChangeRow[] = [
      { label: t('fields.idNumber'), before: none, after: rt('review.idNumberAssigned') },
      { label: t('fields.fullName'), before: none, after: value.fullName },
      { label: t('fields.dateOfBirth'), before: none, after: formatDate(value.dateOfBirth) },
      { label: t('fields.sex'), before: none, after: sexLabel(t, value.sex) },
      { label: t('fields.placeOfBirth'), before: none, after: value.placeOfBirth },
      { label: t('fields.birthRegistrationPlace'), before: none, after: registrationText },
      { label: t('relations.father'), before: none, after: parentText('father', fatherLookup) },
      { label: t('relations.mother'), before: none, after: parentText('mother', motherLookup) },
      { label: t('fields.ethnicity'), before: none, after: value.ethnicity },
      { label: t('fields.religion'), before: none, after: value.religion },
      { label: t('fields.nationality'), before: none, after: value.nationality },
      { label: t('fields.placeOfOrigin'), before: none, after: value.placeOfOrigin ?? none },
      inHousehold && household.data
        ? {
            label: t('fields.permanentAddress'),
            before: none,
            after: rt('review.householdOf', {
              address: household.data.address.text,
              relation: relationToHeadLabel(t, value.relationToHead),
            }),
          }
        : {
            label: t('fields.permanentAddress'),
            before: none,
            after: [address.detail.trim(), addressText].filter(Boolean).join(', '),
          },
    ];
    flow.review(value, { rows });
  };

  return (
    <RecordSteps
      {...steps}
      onReview={review}
      onAgain={onAgain}
      form={
        <>
          <Fieldset legend={rt('fields.child')} variant="unstyled">
            <Stack gap="sm">
              <TextInput
                label={rt('fields.fullName')}
                value={fullName}
                onChange={(event) => setFullName(event.currentTarget.value)}
                error={errors.fullName}
                required
                maxLength={100}
                spellCheck={false}
                data-field="fullName"
                data-testid="field-fullName"
              />
              <Grid gap="sm">
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <EventDateField
                    name="dateOfBirth"
                    label={t('fields.dateOfBirth')}
                    value={dateOfBirth}
                    onChange={setDateOfBirth}
                    errors={errors}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Radio.Group
                    label={t('fields.sex')}
                    value={sex}
                    onChange={(value) => setSex(value === 'male' || value === 'female' ? value : '')}
                    error={errors.sex}
                    withAsterisk
                  >
                    <Stack gap={6} mt={6}>
                      <Radio
                        value="male"
                        label={sexLabel(t, 'male')}
                        data-field="sex"
                        data-testid="field-sex-male"
                      />
                      <Radio value="female" label={sexLabel(t, 'female')} data-testid="field-sex-female" />
                    </Stack>
                  </Radio.Group>
                </Grid.Col>
              </Grid>
              <TextInput
                label={t('fields.placeOfBirth')}
                description={rt('fields.placeOfBirthHint')}
                value={placeOfBirth}
                onChange={(event) => setPlaceOfBirth(event.currentTarget.value)}
                error={errors.placeOfBirth}
                required
                maxLength={200}
                data-field="placeOfBirth"
                data-testid="field-placeOfBirth"
              />
            </Stack>
          </Fieldset>
          <Fieldset legend={t('fields.birthRegistrationPlace')} variant="unstyled">
            <UnitFields
              value={registration}
              onChange={setRegistration}
              withinUnit
              errors={errors}
              field="registrationCommuneCode"
            />
          </Fieldset>
          <ParentFields
            parent="mother"
            draft={mother}
            onChange={setMother}
            lookup={motherLookup}
            errors={errors}
          />
          <ParentFields
            parent="father"
            draft={father}
            onChange={setFather}
            lookup={fatherLookup}
            errors={errors}
          />
          <Grid gap="sm">
            {(
              [
                ['ethnicity', ethnicity, setEthnicity],
                ['religion', religion, setReligion],
                ['nationality', nationality, setNationality],
              ] as const
            ).map(([name, value, set]) => (
              <Grid.Col key={name} span={{ base: 12, sm: 4 }}>
                <TextInput
                  label={t(`fields.${name}`)}
                  value={value}
                  onChange={(event) => set(event.currentTarget.value)}
                  error={errors[name]}
                  required
                  maxLength={50}
                  data-field={name}
                  data-testid={`field-${name}`}
                />
              </Grid.Col>
            ))}
          </Grid>
          <TextInput
            label={t('fields.placeOfOrigin')}
            description={rt('fields.optional')}
            value={placeOfOrigin}
            onChange={(event) => setPlaceOfOrigin(event.currentTarget.value)}
            error={errors.placeOfOrigin}
            maxLength={200}
            data-field="placeOfOrigin"
            data-testid="field-placeOfOrigin"
          />
          <Radio.Group
            label={t('fields.permanentAddress')}
            value={residence}
            onChange={(value) => setResidence(value === 'father' || value === 'mother' ? value : 'address')}
          >
            <Stack gap={6} mt={6}>
              {households.map((role) => (
                <Radio
                  key={role}
                  value={role}
                  label={rt(role === 'mother' ? 'fields.joinMotherHousehold' : 'fields.joinFatherHousehold')}
                  data-testid={`field-residence-${role}`}
                />
              ))}
              <Radio value="address" label={rt('fields.ownAddress')} data-testid="field-residence-address" />
            </Stack>
          </Radio.Group>
          {residence === 'address' ? (
            <AddressFields
              legend={t('fields.permanentAddress')}
              value={address}
              onChange={setAddress}
              withinUnit
              errors={errors}
              field="permanentAddress"
            />
          ) : (
            <Stack gap="xs">
              {household.data ? (
                <Text size="sm" data-testid="birth-household">
                  {rt('fields.householdAddress')}: {household.data.address.text}
                </Text>
              ) : null}
              <NativeSelect
                label={t('fields.relationToHead')}
                value={relationToHead}
                onChange={(event) => setRelationToHead(event.currentTarget.value as RelationToHead)}
                data={childRelations.map((relation) => ({
                  value: relation,
                  label: relationToHeadLabel(t, relation),
                }))}
                error={errors.relationToHead}
                data-field="relationToHead"
                data-testid="field-relationToHead"
              />
            </Stack>
          )}
        </>
      }
      review={(_body, preview) => <ChangeTable title={rt('review.newRecord')} rows={preview.rows} created />}
      result={(result) => (
        <>
          <Text size="sm">{rt('result.birth')}</Text>
          <Text size="sm">
            {t('fields.idNumber')}:{' '}
            <Text span fw={700} fz="lg" ff="monospace" data-testid="record-result-id-number">
              {result.idNumber}
            </Text>
          </Text>
          <PersonLink person={result} testId="record-result-person" />
          <Text size="xs" c="dimmed">
            {rt('result.birthNext')}
          </Text>
        </>
      )}
    />
  );
}
