/**
 * The registry's browser-safe schemas, exported as `@dinhdanh/registry/schemas`: the officer
 * console validates its forms with the server's own rules. Only zod and other schema files may be
 * imported from here (schemas.test.ts checks it), so nothing server-only reaches the browser.
 */
export * from './events/civil-events.schema.ts';
export * from './person/person.schema.ts';
