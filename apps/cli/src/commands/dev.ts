import { devOutboxFile, readOutbox } from '@dinhdanh/identity';
import { loadConfig } from '@dinhdanh/kernel';
import type { Command } from 'commander';
import { positiveInt, printJson, usageError } from '../output.ts';

export function registerDevCommands(program: Command): void {
  const dev = program.command('dev').description('Development helpers (refused in production)');
  dev
    .command('outbox')
    .description('The SMS the development gateway "sent" (one-time codes), oldest first')
    .option('--last <n>', 'only the last N messages', '20')
    .option('--json', 'print JSON')
    .action(async (options: { last?: string; json?: boolean }) => {
      const config = loadConfig();
      if (config.mode === 'production' || config.smsGateway !== 'development')
        usageError(
          'the development outbox exists only with DINHDANH_SMS_GATEWAY=development outside production',
        );
      const items = await readOutbox(
        devOutboxFile(config),
        Math.max(1, positiveInt('last', options.last, 20)),
      );
      if (options.json) printJson({ items });
      else for (const item of items) process.stdout.write(`${item.sentAt}  ${item.to}  ${item.text}\n`);
    });
}
