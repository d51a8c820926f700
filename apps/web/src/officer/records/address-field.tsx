import { Fieldset, Grid, NativeSelect, TextInput } from '@mantine/core';
import { useSession } from '../../session/session.context.tsx';
import { useCommunes, useProvinces } from '../officer.queries.ts';
import { useRecordsTranslation } from './records-i18n.ts';
import type { FieldErrors } from './validation.ts';

export interface UnitValue {
  provinceCode: string;
  communeCode: string;
}

export interface AddressValue extends UnitValue {
  detail: string;
}

/**
 * Where the officer may write: their commune, their province's communes, or anywhere (national).
 * The server checks it again on every write (assertCanWrite).
 */
export function useOfficerScope(): { provinceCode: string | null; communeCode: string | null } {
  const unit = useSession().session?.me.unit;
  if (!unit || unit.level === 'country') return { provinceCode: null, communeCode: null };
  return {
    provinceCode: unit.provinceCode ?? (unit.level === 'province' ? unit.code : null),
    communeCode: unit.level === 'commune' ? unit.code : null,
  };
}

/** A starting value inside the officer's scope. */
export function useInitialUnit(): UnitValue {
  const scope = useOfficerScope();
  return { provinceCode: scope.provinceCode ?? '', communeCode: scope.communeCode ?? '' };
}

/**
 * A 2025 province and commune as native selects (a phone shows its own picker). With
 * `withinUnit`, only what the officer's unit covers is offered.
 */
export function UnitFields({
  value,
  onChange,
  withinUnit,
  errors,
  field,
}: {
  value: UnitValue;
  onChange: (value: UnitValue) => void;
  withinUnit: boolean;
  errors: FieldErrors;
  /** The body path of the commune code (errors and focus). */
  field: string;
}) {
  const rt = useRecordsTranslation();
  const scope = useOfficerScope();
  const provinces = useProvinces();
  const communes = useCommunes(value.provinceCode);
  const provinceFixed = withinUnit && scope.provinceCode !== null;
  const communeFixed = withinUnit && scope.communeCode !== null;
  const provinceOptions = (provinces.data ?? [])
    .filter((province) => !provinceFixed || province.code === scope.provinceCode)
    .map((province) => ({ value: province.code, label: province.fullName }));
  const communeOptions = (communes.data ?? [])
    .filter((commune) => !communeFixed || commune.code === scope.communeCode)
    .map((commune) => ({ value: commune.code, label: commune.fullName }));
  return (
    <Grid gap="sm">
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <NativeSelect
          label={rt('fields.province')}
          value={value.provinceCode}
          onChange={(event) => onChange({ provinceCode: event.currentTarget.value, communeCode: '' })}
          data={[{ value: '', label: rt('fields.choose') }, ...provinceOptions]}
          disabled={provinceFixed}
          data-testid={`field-${field}-province`}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <NativeSelect
          label={rt('fields.commune')}
          value={value.communeCode}
          onChange={(event) => onChange({ ...value, communeCode: event.currentTarget.value })}
          data={[
            { value: '', label: communes.isFetching ? rt('fields.loadingCommunes') : rt('fields.choose') },
            ...communeOptions,
          ]}
          disabled={communeFixed || value.provinceCode === ''}
          error={errors[field]}
          data-field={field}
          data-testid={`field-${field}`}
        />
      </Grid.Col>
    </Grid>
  );
}

/** An address: province, commune and the house-level detail. */
export function AddressFields({
  legend,
  value,
  onChange,
  withinUnit,
  errors,
  field,
}: {
  legend: string;
  value: AddressValue;
  onChange: (value: AddressValue) => void;
  withinUnit: boolean;
  errors: FieldErrors;
  field: string;
}) {
  const rt = useRecordsTranslation();
  return (
    <Fieldset legend={legend} variant="unstyled">
      <UnitFields
        value={value}
        onChange={(unit) => onChange({ ...value, ...unit })}
        withinUnit={withinUnit}
        errors={errors}
        field={`${field}.communeCode`}
      />
      <TextInput
        mt="sm"
        label={rt('fields.addressDetail')}
        description={rt('fields.addressDetailHint')}
        value={value.detail}
        onChange={(event) => onChange({ ...value, detail: event.currentTarget.value })}
        error={errors[`${field}.detail`]}
        maxLength={200}
        data-field={`${field}.detail`}
        data-testid={`field-${field}-detail`}
      />
    </Fieldset>
  );
}

/** The address as the API takes it, or undefined while no commune is chosen. */
export function addressInput(value: AddressValue) {
  return value.communeCode === ''
    ? undefined
    : { scheme: '2025' as const, communeCode: value.communeCode, detail: value.detail.trim() };
}

/** A commune's name with its province, as the review shows it. */
export function useUnitText(value: UnitValue): string {
  const provinces = useProvinces();
  const communes = useCommunes(value.provinceCode);
  const commune = communes.data?.find((unit) => unit.code === value.communeCode);
  const province = provinces.data?.find((unit) => unit.code === value.provinceCode);
  return [commune?.fullName, province?.fullName].filter(Boolean).join(', ');
}
