// The seeder's parts that benchmarks measure on their own (`@dinhdanh/registry/seed`): the
// synthetic population generator and the COPY column lists. Not for other packages.
export { PopulationGenerator, type SeedBatch } from './seed.generator.ts';
export {
  DEFAULT_AS_OF,
  DEFAULT_BATCH_SIZE,
  householdColumns,
  householdEventColumns,
  personEventColumns,
} from './seed.service.ts';
