import { countAuditEntries } from '@dinhdanh/audit';
import {
  type BackupManifest,
  type BackupTarget,
  backupDatabase,
  type Db,
  type RestoreProgress,
  restoreDatabase,
} from '@dinhdanh/db';
import { AppError, loadConfig } from '@dinhdanh/kernel';
import { countRegistry } from '@dinhdanh/registry';
import type { Command } from 'commander';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

/** What a backup records and a restore compares: the figures an operator can check by eye. */
async function platformCounts(db: Db): Promise<Record<string, number>> {
  const registry = await countRegistry(db);
  return {
    people: registry.people,
    registryEvents: registry.events,
    auditEntries: await countAuditEntries(db),
  };
}

const countLabels: Record<string, string> = {
  people: 'Công dân / People',
  registryEvents: 'Sự kiện hộ tịch / Registry events',
  auditEntries: 'Bản ghi nhật ký kiểm toán / Audit entries',
};

const engineName = (manifest: BackupManifest) =>
  `${manifest.engine === 'postgres' ? 'PostgreSQL' : 'PGlite'} ${Math.floor(manifest.serverVersion / 10_000)}`;

function countLines(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, value]) => `  ${countLabels[key] ?? key}: ${value.toLocaleString('vi-VN')}\n`)
    .join('');
}

function migrationLine(migrations: string[]): string {
  return `  Lược đồ / Schema migrations: ${migrations.length}${migrations.length ? ` (mới nhất / newest ${migrations.at(-1)})` : ''}\n`;
}

function configuredTarget(): BackupTarget {
  const config = loadConfig();
  return { url: config.databaseUrl, dataDir: config.dataDir };
}

/** One bar per step of a restore (checksum, then load), on stderr like every long job. */
function restoreProgress() {
  let current: { step: RestoreProgress['step']; bar: ReturnType<typeof progressBar> } | undefined;
  const labels = { verify: 'kiểm tra / verify', restore: 'khôi phục / restore' };
  return {
    update({ step, bytes, total }: RestoreProgress) {
      if (current?.step !== step) {
        current?.bar.stop();
        current = { step, bar: progressBar(labels[step], total, 'bytes') };
      }
      current.bar.update(bytes);
    },
    stop: () => current?.bar.stop(),
  };
}

export function registerDbBackupCommands(db: Command): void {
  db.command('backup <file>')
    .description(
      'Write a consistent backup of the database to a new file (PGlite: stop the server first; PostgreSQL: pg_dump)',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const target = configuredTarget();
      process.stderr.write(`Đang sao lưu / Backing up ${target.url ? 'PostgreSQL' : target.dataDir} …\n`);
      const result = await backupDatabase(target, file, { counts: platformCounts });
      if (options.json) return printJson(result);
      process.stdout.write(
        `Đã sao lưu / Backed up: ${file} (${engineName(result.manifest)}, ${(result.bytes / 1e6).toFixed(1)} MB)\n` +
          `  Thời điểm / Taken at: ${result.manifest.createdAt}\n` +
          countLines(result.manifest.counts) +
          migrationLine(result.manifest.migrations),
      );
    });

  db.command('restore <file>')
    .description(
      'Restore a backup into the configured database (refuses a non-empty one unless --force, which moves it aside)',
    )
    .option('--force', 'replace a database that already holds data (it is moved aside, not deleted)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { force?: boolean; json?: boolean }) => {
      const progress = restoreProgress();
      let result: Awaited<ReturnType<typeof restoreDatabase>>;
      try {
        result = await restoreDatabase(configuredTarget(), file, {
          counts: platformCounts,
          force: options.force ?? false,
          onProgress: progress.update,
        });
      } finally {
        progress.stop();
      }
      const differs = Object.entries(result.manifest.counts).filter(
        ([key, value]) => result.restored.counts[key] !== value,
      );
      if (options.json) printJson(result);
      else
        process.stdout.write(
          `Đã khôi phục / Restored: ${file} → ${result.target}\n` +
            `  Bản sao lưu lúc / Backup taken at: ${result.manifest.createdAt} (${engineName(result.manifest)})\n` +
            countLines(result.restored.counts) +
            migrationLine(result.restored.migrations) +
            (result.movedAsideTo
              ? `Dữ liệu cũ được giữ tại / The previous data was kept at: ${result.movedAsideTo}\n`
              : '') +
            'Tiếp theo, kiểm tra nhật ký kiểm toán / Next, verify the audit log: dinhdanh audit verify\n',
        );
      if (differs.length)
        throw new AppError(
          'ERR_BACKUP_FAILED',
          `the restored database differs from the backup's manifest: ${differs
            .map(([key, value]) => `${key} ${result.restored.counts[key]} ≠ ${value}`)
            .join(', ')}`,
        );
    });
}
