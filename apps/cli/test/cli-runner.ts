import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The `dinhdanh` executable, for tests that keep a process running (a server). */
export const cliBin = path.resolve(import.meta.dirname, '../bin/dinhdanh.js');

/** Runs the CLI as a user would, with this environment; resolves with stdout, stderr and the exit status. */
export async function runCli(
  env: Record<string, string>,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliBin, ...args], {
      env: { ...process.env, ...env, DINHDANH_LOG_LEVEL: 'silent' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}
