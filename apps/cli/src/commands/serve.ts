import cluster from 'node:cluster';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@dinhdanh/db';
import { listAgencies } from '@dinhdanh/exchange';
import { type Config, createLogger, type Logger, loadConfig, type Role, systemClock } from '@dinhdanh/kernel';
import { loadProviderKeys } from '@dinhdanh/oidc';
import { DEMO_FINGERPRINT_FILE, demoFingerprintImage, issueOfficerToken } from '@dinhdanh/registry';
import { type Platform, seedDemoAgency, serve } from '@dinhdanh/server';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { positiveInt, usageError } from '../output.ts';
import { runSeed } from './seed.ts';

interface DemoAdult {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  phone: string;
}

/**
 * Living adults of the demo population with a phone and biometric references (face, and the
 * demo fingerprint the seed enrols), in ID order: the first is the demo person printed below,
 * the next ones are the demo agency's records.
 */
async function demoAdults(db: Db, limit: number): Promise<DemoAdult[]> {
  const { rows } = await sql<{ id_number: string; full_name: string; date_of_birth: string; phone: string }>`
    SELECT id_number, full_name, date_of_birth::text AS date_of_birth, phone FROM registry.person
    WHERE date_of_death IS NULL AND phone IS NOT NULL AND biometrics ? 'face' AND biometrics ? 'fingerprints'
      AND date_of_birth BETWEEN DATE '1960-01-01' AND DATE '2005-01-01'
    ORDER BY id_number LIMIT ${limit}`.execute(db);
  return rows.map((row) => ({
    idNumber: row.id_number,
    fullName: row.full_name,
    dateOfBirth: row.date_of_birth,
    phone: row.phone,
  }));
}

/**
 * Development only: the demo fingerprint (a synthetic image, no one's finger) written beside the
 * data directory, for the officer to "take" at the counter — the development fingerprint adapter
 * matches it for every demo person of card age.
 */
async function writeDemoFingerprint(config: Config): Promise<string> {
  const file = path.resolve(path.dirname(config.dataDir), DEMO_FINGERPRINT_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, demoFingerprintImage());
  return file;
}

/**
 * A synthetic demo person to try the eID flow with by hand: register in the wallet (the code
 * "sent" by SMS shows at /dev/outbox), get raised to level 2 in the officer console with the demo
 * token (card issued at the counter, then its chip files and the demo fingerprint), then log in
 * to the demo relying party. Demo data only — development mode.
 */
async function printDemoCitizen(db: Db, person: DemoAdult | undefined, url: string, fingerprintFile: string) {
  if (!person) {
    // People seeded before demo fingerprints were enrolled cannot reach level 2 at the counter.
    const { rows } = await sql<{ any: boolean }>`
      SELECT EXISTS (SELECT 1 FROM registry.person) AS any`.execute(db);
    if (rows[0]?.any)
      process.stdout.write(
        'Dữ liệu mẫu này được tạo trước khi có vân tay mẫu: xoá thư mục dữ liệu để tạo lại. / ' +
          'This demo database predates the demo fingerprints: delete the data directory to seed it again.\n\n',
      );
    return;
  }
  process.stdout.write(
    [
      'Thử đăng nhập định danh điện tử / try the eID login (synthetic demo person):',
      `  1. ${url}/wallet/register — ${person.idNumber} · ${person.fullName} · ${person.dateOfBirth.split('-').reverse().join('/')} · ${person.phone}`,
      `     mã OTP / one-time codes: ${url}/dev/outbox (npx dinhdanh dev outbox); ảnh khuôn mặt: bất kỳ ảnh JPEG/PNG nào (development face adapter)`,
      `  2. ${url}/officer — tra cứu người này, "Nâng lên mức 2" / raise to level 2`,
      '     (cấp thẻ tại quầy, chọn các tệp chip và ảnh vân tay mẫu / issue the card at the counter, choose its chip files and the demo fingerprint):',
      `     ${fingerprintFile}`,
      '     (bộ chuyển đổi vân tay dùng cho phát triển, không phải so khớp sinh trắc học / development fingerprint adapter, not a biometric matcher)',
      `  3. ${url}/demo-rp — Cổng Dịch vụ công (minh hoạ), a FAPI 2.0 relying party`,
      '',
    ].join('\n'),
  );
}

/**
 * Development only: when no agency is registered, a demo agency with some usage (verifications, a
 * lookup, a matching job, through the exchange API) so the officer console's agency pages are not
 * blank. Its keys are generated into the keys directory; a failure is reported, not fatal.
 */
async function printDemoAgency(config: Config, platform: Platform, people: DemoAdult[], logger: Logger) {
  const db = platform.database.db;
  if ((await listAgencies({ db })).length > 0 || people.length < 4) return;
  try {
    const agency = await seedDemoAgency({
      db,
      clock: systemClock,
      logger,
      issuer: config.issuer ?? `http://${config.host}:${config.port}`,
      keysDir: config.keysDir,
      people,
    });
    process.stdout.write(
      `Cơ quan khai thác dữ liệu mẫu / demo agency: ${agency.name} — /officer/exchange (khoá / keys: ${agency.file})\n\n`,
    );
  } catch (error) {
    logger.warn({ err: error }, 'demo agency not created');
  }
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
            ...(roles.includes('web') ? [`  Trang chủ / front page:         ${running.url}/`] : []),
            `  Web (cán bộ / officer console): ${running.url}/officer`,
            ...(roles.includes('idp')
              ? [
                  `  Ví công dân / citizen wallet:   ${running.url}/wallet`,
                  `  OpenID discovery:               ${config.issuer ?? running.url}/.well-known/openid-configuration`,
                ]
              : []),
            `  API docs (OpenAPI):             ${running.url}/docs`,
            `  Health (live / ready):          ${running.url}/health/live  ${running.url}/health/ready`,
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
          const db = running.platform.database.db;
          const adults = await demoAdults(db, 5);
          if (roles.includes('idp') && roles.includes('exchange'))
            await printDemoAgency(config, running.platform, adults.slice(1), logger);
          if (roles.includes('idp'))
            await printDemoCitizen(db, adults[0], running.url, await writeDemoFingerprint(config));
        }
      },
    );
}
