import { SUBJECT_KEY_NAME } from '@dinhdanh/audit';
import { loadConfig } from '@dinhdanh/kernel';
import { assertIdNumber, issueCitizenToken } from '@dinhdanh/registry';
import { keyStore } from '@dinhdanh/server';
import type { Command } from 'commander';
import { positiveInt, printJson } from '../output.ts';

export function registerCitizenCommands(program: Command): void {
  program
    .command('citizen')
    .description('Citizens (interim tokens until eID accounts arrive)')
    .command('token <idNumber>')
    .description("Issue a bearer token for a citizen's own access log (/api/audit/v1/me/access-log)")
    .option('--ttl <seconds>', 'lifetime in seconds', '3600')
    .option('--json', 'print JSON')
    .action(async (idNumber: string, options: { ttl?: string; json?: boolean }) => {
      const config = loadConfig();
      const keys = keyStore(config);
      const issued = await issueCitizenToken(
        await keys.secret('citizen-token'),
        await keys.secret(SUBJECT_KEY_NAME),
        assertIdNumber(idNumber),
        { ttlSeconds: positiveInt('ttl', options.ttl, 3600) },
      );
      if (options.json) printJson({ token: issued.token, expiresAt: issued.expiresAt.toISOString() });
      else process.stdout.write(`${issued.token}\n`);
    });
}
