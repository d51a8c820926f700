import { loadConfig } from '@dinhdanh/kernel';
import { AdminUnits, issueOfficerToken } from '@dinhdanh/registry';
import { officerTokenKey } from '@dinhdanh/server';
import type { Command } from 'commander';
import { positiveInt, printJson, usageError } from '../output.ts';

export function registerOfficerCommands(program: Command): void {
  program
    .command('officer')
    .description('Officers (interim bearer tokens until officer accounts arrive)')
    .command('token')
    .description('Issue a bearer token for an officer scoped to an administrative unit')
    .requiredOption('--unit <code>', '2025 province (2 digits), commune (5 digits) or VN')
    .option('--officer-id <id>', 'officer identifier recorded on every event')
    .option('--role <role>', 'officer or supervisor (supervisors may read access logs)', 'officer')
    .option('--ttl <seconds>', 'lifetime in seconds', String(12 * 3600))
    .option('--json', 'print JSON with the token, unit and expiry')
    .action(
      async (options: { unit: string; officerId?: string; role: string; ttl?: string; json?: boolean }) => {
        if (options.role !== 'officer' && options.role !== 'supervisor')
          usageError('--role must be officer or supervisor');
        // No database needed: a running server may hold the embedded one.
        const config = loadConfig();
        const [key, units] = await Promise.all([officerTokenKey(config), AdminUnits.fromReferenceData()]);
        {
          const issued = await issueOfficerToken(key, units, {
            unit: options.unit,
            officerId: options.officerId,
            role: options.role,
            ttlSeconds: positiveInt('ttl', options.ttl, 12 * 3600),
          });
          if (options.json)
            printJson({
              token: issued.token,
              officer: issued.officer,
              expiresAt: issued.expiresAt.toISOString(),
            });
          else process.stdout.write(`${issued.token}\n`);
        }
      },
    );
}
