// Bytes per active eID session in PostgreSQL: the session table with its indexes, filled with
// N sessions (default 1,000,000) over N/4 accounts, divided by N. Keycloak publishes about
// 15 KB per session (in its Infinispan cache); the target here is ≤ 1.5 KB.
//
//   npx node bench/session-size.bench.ts [--sessions N]
import { parseArgs } from 'node:util';
import { openDatabase } from '@dinhdanh/db';
import { createClusterDatabase, startPostgresCluster } from '@dinhdanh/db/cluster';
import { prepareDatabase } from '@dinhdanh/server';
import { sql } from 'kysely';

export interface SessionSizeResult {
  sessions: number;
  tableBytes: number;
  indexBytes: number;
  bytesPerSession: number;
}

export async function runSessionSizeBench(options: {
  sessions?: number;
  serverUrl?: string;
}): Promise<SessionSizeResult> {
  const sessions = options.sessions ?? 1_000_000;
  const accounts = Math.max(1, Math.floor(sessions / 4));
  const cluster = options.serverUrl ? undefined : await startPostgresCluster();
  const serverUrl = options.serverUrl ?? cluster?.url;
  if (!serverUrl) throw new Error('no cluster');
  try {
    const url = await createClusterDatabase(serverUrl, 'bench_sessions');
    const database = await openDatabase({ url });
    try {
      await prepareDatabase(database);
      // Accounts and sessions as the identity package writes them: a random 32-byte token hash,
      // acr/amr as small integers, three instants and a short device label.
      await sql`
        INSERT INTO identity.account (account_id, kind, login_name, id_number, level, display_name, created_at)
        SELECT md5(g::text)::uuid, 'citizen', lpad(g::text, 12, '0'), lpad(g::text, 12, '0'), 1, 'Nguyễn Văn An', now()
        FROM generate_series(1, ${accounts}) AS g`.execute(database.db);
      await sql`
        INSERT INTO identity.session (session_id, token_hash, account_id, acr, amr, auth_time, last_seen_at, expires_at, device)
        SELECT gen_random_uuid(), sha256(int8send(g) || uuid_send(gen_random_uuid())), md5((g % ${accounts} + 1)::text)::uuid,
               1, 3, now(), now(), now() + interval '24 hours', 'Chrome 131 · Android 15'
        FROM generate_series(1, ${sessions}) AS g`.execute(database.db);
      await sql`VACUUM ANALYZE identity.session`.execute(database.db);
      const { rows } = await sql<{ table: string; indexes: string; count: string }>`
        SELECT pg_table_size('identity.session') AS table,
               pg_indexes_size('identity.session') AS indexes,
               (SELECT count(*) FROM identity.session) AS count`.execute(database.db);
      const row = rows[0];
      if (!row) throw new Error('no size');
      const count = Number(row.count);
      const tableBytes = Number(row.table);
      const indexBytes = Number(row.indexes);
      return { sessions: count, tableBytes, indexBytes, bytesPerSession: (tableBytes + indexBytes) / count };
    } finally {
      await database.close();
    }
  } finally {
    cluster?.stop();
  }
}

export function formatSessionSize(result: SessionSizeResult): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return (
    `eID sessions in PostgreSQL: ${result.sessions.toLocaleString('en')} sessions, table ${mb(result.tableBytes)}, ` +
    `indexes ${mb(result.indexBytes)} → ${Math.round(result.bytesPerSession)} bytes per session ` +
    `(target ≤ 1,536; Keycloak publishes ~15,000)`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { sessions: { type: 'string' } } });
  const result = await runSessionSizeBench({
    sessions: values.sessions ? Number(values.sessions) : undefined,
  });
  process.stdout.write(`${formatSessionSize(result)}\n`);
}
