// The Debian packages the test suite runs against (real servers and a real browser), and how
// `npm test` installs the missing ones on a fresh machine, as `.ci/run` does.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findPostgresBinDir } from '@dinhdanh/db';

interface SystemPackage {
  name: string;
  why: string;
  present: () => boolean;
}

export const testSystemPackages: SystemPackage[] = [
  {
    name: 'postgresql',
    why: 'every database test also runs on a real PostgreSQL',
    present: () => findPostgresBinDir() !== undefined,
  },
  {
    name: 'chromium',
    why: 'browser tests',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    name: 'redis-server',
    why: "the OpenID provider's shared state",
    present: () => existsSync('/usr/bin/redis-server'),
  },
  {
    name: 'nats-server',
    why: 'change events on JetStream',
    present: () => existsSync('/usr/sbin/nats-server'),
  },
];

/**
 * Installs the missing packages with apt-get when it can (root on Debian/Ubuntu); otherwise says
 * exactly what to run. Returns false when something is still missing.
 */
export function ensureSystemPackages(packages: SystemPackage[]): boolean {
  const missing = packages.filter((pkg) => !pkg.present());
  if (missing.length === 0) return true;
  const names = missing.map((pkg) => pkg.name);
  process.stdout.write(
    `\nThiếu gói hệ thống / missing system packages: ${missing.map((pkg) => `${pkg.name} (${pkg.why})`).join(', ')}\n`,
  );
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    process.stderr.write(
      `Cài đặt / install them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${names.join(' ')}\n`,
    );
    return false;
  }
  process.stdout.write(`▶ apt-get install ${names.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
          stdio: 'inherit',
          env,
        })
      : update;
  return install.status === 0 && missing.every((pkg) => pkg.present());
}
