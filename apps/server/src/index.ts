export { type AppDeps, buildApp } from './app.ts';
export { toAppError } from './errors.ts';
export {
  keyStore,
  oidcKeyMaterial,
  officerTokenKey,
  openConfiguredDatabase,
  openPlatform,
  type Platform,
  platformMigrations,
  prepareDatabase,
} from './platform.ts';
export { serve } from './serve.ts';
