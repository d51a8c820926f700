import { createLogger, loadConfig, type Role } from '@dinhdanh/kernel';
import { issueOfficerToken } from '@dinhdanh/registry';
import { serve } from '@dinhdanh/server';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { positiveInt } from '../output.ts';
import { runSeed } from './seed.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Start the platform (HTTP API, web app) on the configured database')
    .option('--port <port>', 'port (default $PORT or 3000)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--roles <roles>', 'comma-separated roles: registry,web (default all)')
    .option('--demo', 'seed a demo population into an empty database first (development only)')
    .action(async (options: { port?: string; host?: string; roles?: string; demo?: boolean }) => {
      const env = { ...process.env };
      if (options.roles) env.DINHDANH_ROLES = options.roles;
      const config = loadConfig(env, {
        ...(options.port !== undefined ? { port: positiveInt('port', options.port, 3000) } : {}),
        ...(options.host ? { host: options.host } : {}),
      });
      const logger = createLogger(config.logLevel);
      const running = await serve(config, {
        logger,
        handleSignals: true,
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
          `  Web (cán bộ / officer console): ${running.url}/`,
          `  API docs (OpenAPI):             ${running.url}/docs`,
          `  Health:                         ${running.url}/health`,
          `  Metrics:                        ${running.url}/metrics`,
          '',
        ].join('\n'),
      );
      if (options.demo && config.mode === 'development') {
        const { token } = await issueOfficerToken(running.platform.officerTokenKey, running.platform.units, {
          unit: 'VN',
          officerId: 'demo-officer',
          role: 'supervisor',
          ttlSeconds: 12 * 3600,
        });
        process.stdout.write(
          `Mã đăng nhập cán bộ giám sát thử nghiệm (toàn quốc, 12 giờ) / demo supervisor token (national, 12 h):\n${token}\n` +
            'Tạo mã cho một đơn vị / for one unit: npx dinhdanh officer token --unit <code>\n\n',
        );
      }
    });
}
