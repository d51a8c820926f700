import { type Config, loadConfig, systemClock } from '@dinhdanh/kernel';
import { defaultRules, type RegistryContext } from '@dinhdanh/registry';
import { openPlatform, type Platform } from '@dinhdanh/server';

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
    });
  } finally {
    await platform.database.close();
  }
}
