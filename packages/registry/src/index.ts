export { loadAdminUnits } from './admin-unit/admin-unit.loader.ts';
export {
  centurySexDigit,
  type DecodedIdNumber,
  type DecodeResult,
  decodeIdNumber,
  type IdNumberProblem,
  idNumberPrefix,
  permutedSerial,
  randomIdNumber,
} from './id-number/id-number.ts';
export { idProvinceCodes, isCountryCode } from './id-number/id-province-codes.ts';
export { registryMigrations } from './migrations.ts';
export * from './person/person.schema.ts';
export {
  applyChanges,
  emptyPersonState,
  type PersonColumn,
  type PersonState,
  personColumns,
  rowToState,
  stateToRow,
  textArrayLiteral,
} from './person/person.state.ts';
