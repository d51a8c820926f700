import type { Db } from '@dinhdanh/db';
import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import { RedisAdapter } from './redis-adapter.ts';
import { SqlAdapter } from './sql-adapter.ts';

/**
 * Models that live seconds to minutes and are read by whichever process the next request hits:
 * in Redis when it is configured. Grants, sessions and tokens stay in SQL (durable, revocable).
 */
export const shortLivedModels: ReadonlySet<string> = new Set([
  'AuthorizationCode',
  'PushedAuthorizationRequest',
  'Interaction',
  'ReplayDetection',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'ClientCredentials',
]);

export interface AdapterOptions {
  db: Db;
  redis?: Redis | undefined;
  identitySession?: () => string | undefined;
}

/** The adapter class oidc-provider instantiates per model name. */
export function adapterFactory(options: AdapterOptions): (name: string) => Adapter {
  return (name) =>
    options.redis && shortLivedModels.has(name)
      ? new RedisAdapter(name, options.redis)
      : new SqlAdapter(name, options.db, options.identitySession);
}
