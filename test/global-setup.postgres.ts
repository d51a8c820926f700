import { openDatabase } from '@dinhdanh/db';
import { startPostgresCluster } from '@dinhdanh/db/testing';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../apps/server/src/platform.ts';

/** Starts a throwaway PostgreSQL and a migrated template database that test files clone. */
export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('CREATE DATABASE dd_template');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/dd_template';
  const database = await openDatabase({ url: url.toString(), poolSize: 2 });
  await prepareDatabase(database);
  await database.close();
  project.provide('dbKind', 'postgres');
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresTemplate', 'dd_template');
  return () => cluster.stop();
}
