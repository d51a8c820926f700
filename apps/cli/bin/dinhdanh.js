#!/usr/bin/env node
// The CLI is TypeScript run directly by Node 24's type stripping; this shim is the npm bin.
await import('../src/main.ts');
