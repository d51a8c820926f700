import type { DemoAgency, DemoAgencyOptions } from './demo/demo-agency.ts';

export { type AppDeps, buildApp } from './app.ts';
export type { DemoAgency, DemoAgencyOptions } from './demo/demo-agency.ts';
export { toAppError } from './errors.ts';
export {
  keyStore,
  officerTokenKey,
  oidcKeyMaterial,
  openConfiguredDatabase,
  openPlatform,
  type Platform,
  platformMigrations,
  prepareDatabase,
} from './platform.ts';
export { serve } from './serve.ts';

/**
 * Development only (`serve --demo`): a registered demo agency with some usage (see
 * demo/demo-agency.ts). Loaded on demand: openid-client is a development dependency.
 */
export async function seedDemoAgency(options: DemoAgencyOptions): Promise<DemoAgency> {
  const demo = await import('./demo/demo-agency.ts');
  return demo.seedDemoAgency(options);
}
