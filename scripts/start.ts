// `npm start`: builds the web app when it has not been built, then serves the platform on the
// embedded database, migrating and seeding a demo population on first start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('apps/web/dist/index.html')) {
  process.stdout.write('Đang dựng ứng dụng web / building the web app…\n');
  const build = spawnSync('node_modules/.bin/vite', ['build', 'apps/web', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(
  process.execPath,
  ['apps/cli/bin/dinhdanh.js', 'serve', '--demo', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
