import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { AppError, type ErrorCode, errorCatalogue, isAppError, loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, issueOfficerToken } from '@dinhdanh/registry';
import type { Platform } from '@dinhdanh/server';
import { officerTokenKey } from '@dinhdanh/server';
import { withPlatform } from './context.ts';
import { usageError } from './output.ts';

export type AdminCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

/**
 * A caller of the running server's admin API under `base` (e.g. `/api/oidc/v1/admin/clients`)
 * with a short-lived national supervisor token minted from the shared key store: how the CLI
 * administers while `dinhdanh serve` holds the embedded database (PGlite allows one process).
 */
export async function serverAdminCall(base: string): Promise<AdminCall> {
  const config = loadConfig();
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  const [key, units] = await Promise.all([officerTokenKey(config), AdminUnits.fromReferenceData()]);
  const { token } = await issueOfficerToken(key, units, {
    unit: 'VN',
    role: 'supervisor',
    officerId: `cli:${os.userInfo().username}`,
    ttlSeconds: 300,
  });
  return async (method, path, body) => {
    const response = await fetch(`${origin}${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (response.ok) return response.status === 204 ? undefined : response.json();
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    const code =
      problem.code && problem.code in errorCatalogue ? (problem.code as ErrorCode) : 'ERR_INTERNAL';
    throw new AppError(code, problem.detail);
  };
}

const embeddedDatabaseBusy = (error: unknown) =>
  isAppError(error) && error.code === 'ERR_UNAVAILABLE' && /in use by process/.test(error.detail ?? '');

/** Runs an administration on the database, or through the running server when it holds PGlite. */
export async function withAdmin<A, T>(
  onDatabase: (platform: Platform) => A,
  onServer: () => Promise<A>,
  fn: (admin: A) => Promise<T>,
): Promise<T> {
  try {
    return await withPlatform((platform) => fn(onDatabase(platform)));
  } catch (error) {
    if (!embeddedDatabaseBusy(error)) throw error;
    return fn(await onServer());
  }
}

/** A JWKS file (or one JWK, taken as a JWKS of one key). */
export async function readJwks(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    usageError(`cannot read the JWKS file ${file}`);
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Array.isArray(parsed.keys) ? parsed : { keys: [parsed] };
  } catch {
    usageError(`${file} is not JSON`);
  }
}
