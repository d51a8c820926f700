import { describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.ts';

describe('dinhdanh serve --workers', () => {
  it('refuses several processes on the embedded database, which serves one process', async () => {
    const result = await runCli({ DATABASE_URL: '' }, ['serve', '--workers', '2', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--workers needs PostgreSQL');
  });
});
