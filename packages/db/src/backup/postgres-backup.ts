import { AppError } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import pg from 'pg';
import { type Db, openDatabase } from '../database.ts';
import {
  assertNewBackupFile,
  type BackupFile,
  type BackupManifest,
  backupPayload,
  writeBackupFile,
} from './backup-file.ts';
import {
  asideStamp,
  type CountRows,
  type Inventory,
  type RestoreOptions,
  takeInventory,
} from './backup-inventory.ts';
import { libpqConnection, postgresTools, runPostgresTool, serverMajor } from './postgres-tools.ts';

/**
 * pg_dump of the database at `url`. The manifest's counts and pg_dump read one snapshot: this
 * read-only REPEATABLE READ transaction exports it and stays open while pg_dump imports it, so
 * what the manifest says is exactly what the file holds, however busy the server is.
 */
export async function backupPostgres(
  url: string,
  file: string,
  counts: CountRows,
  now: Date,
): Promise<{ manifest: BackupManifest; bytes: number }> {
  assertNewBackupFile(file);
  const tools = postgresTools();
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    return await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const exported = await sql<{ snapshot: string; version: string }>`
          SELECT pg_export_snapshot() AS snapshot, current_setting('server_version_num') AS version`.execute(
          trx,
        );
        const { snapshot, version } = exported.rows[0]!;
        const server = serverMajor(Number(version));
        if (tools.dumpVersion < server)
          throw new AppError(
            'ERR_BACKUP_TOOL',
            `pg_dump ${tools.dumpVersion} (${tools.pgDump}) is older than the server (PostgreSQL ${server}), ` +
              `and pg_dump cannot dump a newer server. Install the PostgreSQL ${server} client ` +
              `(Debian/Ubuntu: postgresql-client-${server}) or set DINHDANH_PG_BINDIR to its bin folder.`,
          );
        const inventory = await takeInventory(trx, counts);
        const schemas = await schemasWithTables(trx);
        const manifest: BackupManifest = {
          format: 'dinhdanh-backup',
          version: 1,
          engine: 'postgres',
          payload: 'pg_dump-custom',
          createdAt: now.toISOString(),
          ...inventory,
          postgres: { pgDumpVersion: tools.dumpVersion, schemas, roles: await rolesOf(trx, schemas) },
        };
        const connection = libpqConnection(url);
        const dump = runPostgresTool(
          tools.pgDump,
          ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--dbname=${connection.dbname}`],
          connection.env,
        );
        const { bytes } = await writeBackupFile(file, manifest, dump.stdout, dump.done);
        return { manifest, bytes };
      });
  } finally {
    await database.close();
  }
}

async function schemasWithTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ schema: string }>`
    SELECT DISTINCT n.nspname AS schema
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
    ORDER BY 1`.execute(db);
  return rows.map((row) => row.schema);
}

/** Roles that own, or hold grants on, anything in these schemas: pg_restore recreates both. */
async function rolesOf(db: Db, schemas: string[]): Promise<string[]> {
  const { rows } = await sql<{ role: string }>`
    WITH ours AS (SELECT oid, nspowner, nspacl FROM pg_namespace WHERE nspname = ANY(${schemas}))
    SELECT rolname AS role FROM pg_roles WHERE oid IN (
      SELECT nspowner FROM ours
      UNION SELECT relowner FROM pg_class WHERE relnamespace IN (SELECT oid FROM ours)
      UNION SELECT proowner FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ours)
      UNION SELECT (aclexplode(relacl)).grantee FROM pg_class
        WHERE relnamespace IN (SELECT oid FROM ours) AND relacl IS NOT NULL
      UNION SELECT (aclexplode(nspacl)).grantee FROM ours WHERE nspacl IS NOT NULL)
    ORDER BY 1`.execute(db);
  return rows.map((row) => row.role);
}

export interface PostgresRestore {
  inventory: Inventory;
  target: string;
  movedAsideTo?: string;
}

/**
 * pg_restore into the database named by `url`, in one transaction (a failure leaves nothing
 * behind). A target already holding our tables is refused unless `force`; then the old database
 * is renamed aside, an empty one takes its name, and a failed restore puts the old one back.
 */
export async function restorePostgres(
  url: string,
  backup: BackupFile,
  options: RestoreOptions,
): Promise<PostgresRestore> {
  const { manifest } = backup;
  const wanted = manifest.postgres!;
  const tools = postgresTools();
  if (tools.restoreVersion < wanted.pgDumpVersion)
    throw new AppError(
      'ERR_BACKUP_TOOL',
      `the backup was written by pg_dump ${wanted.pgDumpVersion}; pg_restore ${tools.restoreVersion} ` +
        `(${tools.pgRestore}) cannot read it. Install the PostgreSQL ${wanted.pgDumpVersion} client or newer.`,
    );
  const target = decodeURIComponent(new URL(url).pathname.slice(1));
  const existingTables = await inspectTarget(url, target, wanted);
  if (existingTables > 0 && !options.force)
    throw new AppError(
      'ERR_RESTORE_TARGET_NOT_EMPTY',
      `database "${target}" already has ${existingTables} tables in ${wanted.schemas.join(', ')}. ` +
        'Restore into a new, empty database, or add --force to rename this one aside and restore in its place.',
    );
  await options.verify();
  const movedAsideTo = existingTables > 0 ? await renameAside(url, target, options.now) : undefined;
  try {
    const connection = libpqConnection(url);
    const restore = runPostgresTool(
      tools.pgRestore,
      ['--single-transaction', '--exit-on-error', '--no-password', `--dbname=${connection.dbname}`],
      connection.env,
      backupPayload(backup, options.onBytes),
    );
    restore.stdout.resume();
    await restore.done;
  } catch (error) {
    if (movedAsideTo) await putBack(url, target, movedAsideTo);
    throw error;
  }
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    const inventory = await takeInventory(database.db, options.counts);
    return { inventory, target, ...(movedAsideTo ? { movedAsideTo } : {}) };
  } finally {
    await database.close();
  }
}

/** Refuses a target missing the backup's roles; returns how many tables it has in our schemas. */
async function inspectTarget(
  url: string,
  target: string,
  wanted: NonNullable<BackupManifest['postgres']>,
): Promise<number> {
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    const roles = await sql<{ role: string }>`
      SELECT rolname AS role FROM pg_roles WHERE rolname = ANY(${wanted.roles})`.execute(database.db);
    const present = new Set(roles.rows.map((row) => row.role));
    const missing = wanted.roles.filter((role) => !present.has(role));
    if (missing.length)
      throw new AppError(
        'ERR_BACKUP_INCOMPATIBLE',
        `the backup's objects belong to or are granted to roles this server lacks: ${missing.join(', ')}. ` +
          `Create them first (e.g. CREATE ROLE ${missing[0]} NOLOGIN), then restore into "${target}" again.`,
      );
    const tables = await sql<{ count: number }>`
      SELECT count(*)::int AS count FROM pg_tables WHERE schemaname = ANY(${wanted.schemas})`.execute(
      database.db,
    );
    return tables.rows[0]?.count ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code === INVALID_CATALOG_NAME)
      throw new AppError(
        'ERR_NOT_FOUND',
        `database "${target}" does not exist; create it empty (createdb ${target}) and restore into it`,
      );
    throw error;
  } finally {
    await database.close();
  }
}

/** Runs statements on the server's maintenance database (a database cannot rename itself). */
async function onMaintenanceDb<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const OBJECT_IN_USE = '55006';
const INVALID_CATALOG_NAME = '3D000';

async function renameAside(url: string, target: string, now: Date): Promise<string> {
  // Database names are at most 63 bytes; the suffix is kept whole so the name says what it is.
  const suffix = `_before_restore_${asideStamp(now)}`;
  const aside = `${Buffer.from(target)
    .subarray(0, 63 - suffix.length)
    .toString()}${suffix}`;
  return onMaintenanceDb(url, async (client) => {
    const { rows } = await client.query<{ owner: string; encoding: string; collate: string; ctype: string }>(
      `SELECT pg_get_userbyid(datdba) AS owner, pg_encoding_to_char(encoding) AS encoding,
              datcollate AS collate, datctype AS ctype
       FROM pg_database WHERE datname = $1`,
      [target],
    );
    const old = rows[0]!;
    const id = (name: string) => client.escapeIdentifier(name);
    const literal = (text: string) => client.escapeLiteral(text);
    try {
      // PostgreSQL itself refuses while other sessions are connected (after waiting 5 s for
      // ones that are closing, such as this command's own earlier connections).
      await client.query(`ALTER DATABASE ${id(target)} RENAME TO ${id(aside)}`);
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE) throw error;
      throw new AppError(
        'ERR_DATABASE_IN_USE',
        `database "${target}" has other sessions (${(error as { detail?: string }).detail ?? 'in use'}); ` +
          'stop every dinhdanh process using it (serve, workers) before restoring over it.',
      );
    }
    try {
      await client.query(
        `CREATE DATABASE ${id(target)} WITH TEMPLATE template0 OWNER ${id(old.owner)} ` +
          `ENCODING ${literal(old.encoding)} LC_COLLATE ${literal(old.collate)} LC_CTYPE ${literal(old.ctype)}`,
      );
    } catch (error) {
      await client.query(`ALTER DATABASE ${id(aside)} RENAME TO ${id(target)}`);
      throw error;
    }
    return aside;
  });
}

async function putBack(url: string, target: string, aside: string): Promise<void> {
  await onMaintenanceDb(url, async (client) => {
    const id = (name: string) => client.escapeIdentifier(name);
    await client.query(`DROP DATABASE IF EXISTS ${id(target)}`);
    await client.query(`ALTER DATABASE ${id(aside)} RENAME TO ${id(target)}`);
  });
}
