import os from 'node:os';
import { type Config, loadConfig, systemClock } from '@dinhdanh/kernel';
import { type Accessor, defaultRules, type RegistryContext } from '@dinhdanh/registry';
import { openPlatform, type Platform } from '@dinhdanh/server';

/** The operator running a CLI command, as the audit log names them. */
export function cliAccessor(purpose: string): Accessor {
  return {
    kind: 'system',
    id: `cli:${os.userInfo().username}`,
    unit: null,
    purpose,
    legalBasis: 'Luật Căn cước 26/2023/QH15 (quản trị hệ thống / system administration)',
  };
}

/** Opens the platform for one command and closes it afterwards, whatever happens. */
export async function withPlatform<T>(
  fn: (platform: Platform, ctx: RegistryContext) => Promise<T>,
  overrides: Partial<Config> = {},
): Promise<T> {
  const config = loadConfig(process.env, overrides);
  const platform = await openPlatform(config);
  try {
    return await fn(platform, {
      db: platform.database.db,
      units: platform.units,
      clock: systemClock,
      rules: defaultRules,
      audit: { subjectSecret: platform.subjectSecret, auditReads: true },
    });
  } finally {
    await platform.database.close();
  }
}
