import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@dinhdanh/db';
import { prepareDatabase } from '@dinhdanh/server';
import type { TestProject } from 'vitest/node';

/** Migrates one in-memory PGlite and dumps it; every test file starts from a copy of that dump. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-pglite-'));
  const database = await openDatabase({});
  await prepareDatabase(database);
  const dump = await database.dumpDataDir!();
  await database.close();
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('dbKind', 'pglite');
  project.provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
