import type { Db } from '@dinhdanh/db';
import type { Clock, Logger } from '@dinhdanh/kernel';
import type { RegistryContext } from '@dinhdanh/registry';

/** What the exchange's services need: the database, time, logs and the registry they read. */
export interface ExchangeContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The registry's context (same database): its exported functions are how exchange reads people. */
  registry: RegistryContext;
  /** HMAC secret that turns an ID number into its audit subject key (as the registry's). */
  subjectSecret: Uint8Array;
}
