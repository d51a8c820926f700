import cluster from 'node:cluster';
import type { Db } from '@dinhdanh/db';
import { createLogger, loadConfig, type Role } from '@dinhdanh/kernel';
import { loadProviderKeys } from '@dinhdanh/oidc';
import { issueOfficerToken } from '@dinhdanh/registry';
import { serve } from '@dinhdanh/server';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { positiveInt, usageError } from '../output.ts';
import { runSeed } from './seed.ts';

/**
 * A synthetic demo person to try the eID flow with by hand: register in the wallet (the code
 * "sent" by SMS shows at /dev/outbox), get raised to level 2 in the officer console with the demo
 * token, then log in to the demo relying party. Demo data only — development mode.
 */
async function printDemoCitizen(db: Db, url: string) {
  const { rows } = await sql<{ id_number: string; full_name: string; date_of_birth: string; phone: string }>`
    SELECT id_number, full_name, date_of_birth::text AS date_of_birth, phone FROM registry.person
    WHERE date_of_death IS NULL AND phone IS NOT NULL AND biometrics ? 'face'
      AND date_of_birth BETWEEN DATE '1960-01-01' AND DATE '2005-01-01'
    ORDER BY id_number LIMIT 1`.execute(db);
  const person = rows[0];
  if (!person) return;
  process.stdout.write(
    [
      'Thử đăng nhập định danh điện tử / try the eID login (synthetic demo person):',
      `  1. ${url}/wallet/register — ${person.id_number} · ${person.full_name} · ${person.date_of_birth} · ${person.phone}`,
      `     mã OTP / one-time codes: ${url}/dev/outbox (npx dinhdanh dev outbox); ảnh khuôn mặt: bất kỳ ảnh JPEG/PNG nào (development face adapter)`,
      `  2. ${url}/officer — tra cứu người này, "Nâng lên mức 2" / raise to level 2`,
      `  3. ${url}/demo-rp — Cổng Dịch vụ công (minh hoạ), a FAPI 2.0 relying party`,
      '',
    ].join('\n'),
  );
}

/**
 * `serve --workers N`: N processes of the same server share the port (node:cluster hands each
 * connection to one of them), so one machine's cores all serve. Every process is a whole platform
 * (migrations and background workers coordinate through the database's locks); a process that
 * dies is replaced; SIGINT/SIGTERM stop them all gracefully. DPoP proof ids are shared through
 * Redis (`REDIS_URL`) or, without it, the database.
 */
async function superviseWorkers(count: number, host: string, port: number): Promise<void> {
  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork({ DINHDANH_WORKERS: String(count) });
    startedAt.set(worker.id, Date.now());
  };
  for (let i = 0; i < count; i++) fork();
  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === count)
      process.stdout.write(`dinhdanh: ${count} processes listening on http://${host}:${port}\n`);
  });
  // Replacements back off while workers keep dying young (a crash loop), up to 30 s between
  // tries, and never give up: a worker waits for an unavailable database instead of exiting, so a
  // loop means a defect an operator must see in the log, not a reason to leave the port dead.
  let quickDeaths = 0;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    quickDeaths = lived > 60_000 ? 0 : quickDeaths + 1;
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(quickDeaths, 6));
    process.stderr.write(
      `worker ${worker.process.pid} exited (${signal ?? code}) after ${Math.round(lived / 1000)} s; starting another in ${delayMs} ms\n`,
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delayMs);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      const done = setInterval(() => {
        if (Object.keys(cluster.workers ?? {}).length === 0) {
          clearInterval(done);
          process.exit(0);
        }
      }, 100);
    });
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the platform (HTTP API, web app) on the configured database')
    .option('--port <port>', 'port (default $PORT or 3000)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--roles <roles>', 'comma-separated roles: registry,web (default all)')
    .option('--demo', 'seed a demo population into an empty database first (development only)')
    .option('--workers <n>', 'processes sharing the port (PostgreSQL only; default 1)')
    .action(
      async (options: { port?: string; host?: string; roles?: string; demo?: boolean; workers?: string }) => {
        const env = { ...process.env };
        if (options.roles) env.DINHDANH_ROLES = options.roles;
        const config = loadConfig(env, {
          ...(options.port !== undefined ? { port: positiveInt('port', options.port, 3000) } : {}),
          ...(options.host ? { host: options.host } : {}),
        });
        const workers = positiveInt('workers', options.workers, 1);
        if (workers > 1 && cluster.isPrimary) {
          if (!config.databaseUrl)
            usageError('--workers needs PostgreSQL (DATABASE_URL): the embedded database serves one process');
          if (options.demo) usageError('--demo seeds from one process: run it without --workers first');
          // Created once here, not raced by the workers' first starts.
          await loadProviderKeys(config.keysDir, { allowCreate: config.mode !== 'production' });
          await superviseWorkers(workers, config.host, config.port);
          return;
        }
        const logger = createLogger(config.logLevel, undefined, config.logFormat);
        // A defect nobody handled leaves the process in an unknown state: say so, then exit so the
        // supervisor (systemd, Kubernetes, serve --workers) starts a clean one.
        for (const event of ['uncaughtException', 'unhandledRejection'] as const)
          process.on(event, (error: unknown) => {
            logger.fatal({ err: error, event }, 'unhandled error; exiting');
            process.exit(1);
          });
        const running = await serve(config, {
          logger,
          handleSignals: true,
          demo: options.demo === true,
          beforeListen: async (platform) => {
            if (!options.demo || config.mode === 'production' || config.demoPeople === 0) return;
            const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM registry.person`.execute(
              platform.database.db,
            );
            if ((rows[0]?.n ?? 0) > 0) return;
            process.stderr.write(
              `Tạo dân số mẫu / seeding a demo population of ${config.demoPeople} people…\n`,
            );
            await runSeed(platform.database, { people: config.demoPeople, seed: 1 });
          },
        });
        const roles: Role[] = config.roles;
        process.stdout.write(
          [
            '',
            `dinhdanh đang chạy / is running — ${config.databaseUrl ? 'PostgreSQL' : `PGlite (${config.dataDir})`}, roles: ${roles.join(',')}`,
            `  Web (cán bộ / officer console): ${running.url}/officer`,
            ...(roles.includes('idp')
              ? [
                  `  Ví công dân / citizen wallet:   ${running.url}/wallet`,
                  `  OpenID discovery:               ${config.issuer ?? running.url}/.well-known/openid-configuration`,
                ]
              : []),
            `  API docs (OpenAPI):             ${running.url}/docs`,
            `  Health:                         ${running.url}/health`,
            `  Metrics:                        ${running.url}/metrics`,
            '',
          ].join('\n'),
        );
        if (options.demo && config.mode === 'development') {
          const { token } = await issueOfficerToken(
            running.platform.officerTokenKey,
            running.platform.units,
            {
              unit: 'VN',
              officerId: 'demo-officer',
              role: 'supervisor',
              ttlSeconds: 12 * 3600,
            },
          );
          process.stdout.write(
            `Mã đăng nhập cán bộ giám sát thử nghiệm (toàn quốc, 12 giờ) / demo supervisor token (national, 12 h):\n${token}\n` +
              'Tạo mã cho một đơn vị / for one unit: npx dinhdanh officer token --unit <code>\n\n',
          );
          if (roles.includes('idp')) await printDemoCitizen(running.platform.database.db, running.url);
        }
      },
    );
}
