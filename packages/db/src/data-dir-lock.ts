import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@dinhdanh/kernel';

/**
 * PGlite is a single-process database: two processes writing one data directory corrupt it.
 * A lock file with the owner's pid keeps a second process (a CLI command while the server runs)
 * out, with a message saying what to do. A lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'dinhdanh.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = dataDirInUseBy(dataDir);
      if (owner !== undefined) {
        throw new AppError(
          'ERR_UNAVAILABLE',
          `the embedded database ${dataDir} is in use by process ${owner} (probably \`dinhdanh serve\`). ` +
            'Stop it first, or run the platform on PostgreSQL (DATABASE_URL) to use several processes.',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

/**
 * The pid of another live process holding the data directory's lock, if any. Lets a command
 * that must not share the directory (a backup) refuse with its own advice before opening it.
 */
export function dataDirInUseBy(dataDir: string): number | undefined {
  let owner: number;
  try {
    owner = Number(readFileSync(path.join(dataDir, 'dinhdanh.lock'), 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return owner && owner !== process.pid && isAlive(owner) ? owner : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
