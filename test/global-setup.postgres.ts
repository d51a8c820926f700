import { openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/testing';
import { prepareDatabase } from '@dinhdanh/server';
import type { TestProject } from 'vitest/node';

/** Starts a throwaway PostgreSQL and a migrated template database that test files clone. */
export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster();
  const url = await createClusterDatabase(cluster.url, 'dd_template');
  const database = await openDatabase({ url, poolSize: 2 });
  await prepareDatabase(database);
  await database.close();
  project.provide('dbKind', 'postgres');
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresTemplate', 'dd_template');
  return () => cluster.stop();
}
