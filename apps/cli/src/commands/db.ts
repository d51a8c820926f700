import { loadConfig } from '@dinhdanh/kernel';
import { openConfiguredDatabase, prepareDatabase } from '@dinhdanh/server';
import type { Command } from 'commander';
import { registerDbBackupCommands } from './db-backup.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('Database administration');
  db.command('migrate')
    .description('Apply pending migrations and load reference data (administrative units)')
    .action(async () => {
      const database = await openConfiguredDatabase(loadConfig());
      try {
        const { applied } = await prepareDatabase(database);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
      } finally {
        await database.close();
      }
    });
  registerDbBackupCommands(db);
}
