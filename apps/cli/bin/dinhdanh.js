#!/usr/bin/env node
// The CLI is TypeScript run directly by Node 24's type stripping; this shim is the npm bin.
// Node's compile cache (in the OS temp directory) keeps the compiled modules between runs: each
// command loads the whole platform, and compiling it again is a good part of a short command's time.
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/main.ts');
