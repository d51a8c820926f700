import {
  accessLogEntryProof,
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  subjectKey,
  verifyAccessLogEntryProof,
  verifyLog,
} from '@dinhdanh/audit';
import { AppError } from '@dinhdanh/kernel';
import type { Command } from 'commander';
import { withPlatform } from '../context.ts';
import { positiveInt, printJson } from '../output.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');

  audit
    .command('checkpoint')
    .description('Sequence pending entries and write a signed checkpoint now')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withPlatform(async (platform) => {
        const checkpoint = await createCheckpoint(platform.database, await checkpointSigner(platform.keys));
        const rootHash = Buffer.from(checkpoint.rootHash).toString('base64');
        if (options.json) printJson({ treeSize: checkpoint.treeSize, rootHash, note: checkpoint.note });
        else process.stdout.write(checkpoint.note);
      });
    });

  audit
    .command('verify')
    .description(
      'Recompute the tree from every entry and check every checkpoint (exit 1 on the first problem)',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withPlatform(async (platform) => {
        const result = await verifyLog(platform.database, await checkpointVerifierKeys(platform.keys));
        if (options.json) printJson(result);
        else if (result.ok)
          process.stdout.write(
            `OK: ${result.checkedEntries} entries, ${result.checkedCheckpoints} checkpoints, tree size ${result.treeSize}\n`,
          );
        if (!result.ok) {
          const problem = result.firstProblem;
          process.stderr.write(
            `AUDIT LOG TAMPERED: ${problem?.kind ?? 'unknown'}` +
              `${problem?.leafIndex !== undefined ? ` at leaf ${problem.leafIndex}` : ''}` +
              `${problem?.entryId !== undefined ? ` (entry ${problem.entryId})` : ''}: ${problem?.message ?? ''}\n`,
          );
          process.exitCode = 1;
        }
      });
    });

  audit
    .command('proof <entryId>')
    .description(
      'Inclusion proof of an entry against the newest signed checkpoint covering it; with --id-number, ' +
        "only an entry about that person, and for a batch entry (bulk matching) also the person's membership",
    )
    .option(
      '--id-number <idNumber>',
      'the person the entry must concern (their subject key is computed here)',
    )
    .option('--json', 'print JSON')
    .action(async (entryId: string, options: { json?: boolean; idNumber?: string }) => {
      const id = positiveInt('entryId', entryId, 0);
      await withPlatform(async (platform) => {
        if (options.idNumber !== undefined && !/^\d{12}$/.test(options.idNumber))
          throw new AppError('ERR_VALIDATION', '--id-number takes a 12-digit ID number');
        const proof = await accessLogEntryProof(
          platform.database.db,
          id,
          options.idNumber === undefined
            ? {}
            : { subjectKey: subjectKey(platform.subjectSecret, options.idNumber) },
        );
        if (!proof)
          throw new AppError(
            'ERR_NOT_FOUND',
            `entry ${id} is not covered by a checkpoint yet; run \`dinhdanh audit checkpoint\``,
          );
        const verified = verifyAccessLogEntryProof(proof, await checkpointVerifierKeys(platform.keys));
        if (options.json) printJson({ ...proof, verified });
        else
          process.stdout.write(
            `entry ${proof.entryId} = leaf ${proof.leafIndex} of ${proof.treeSize}\nroot ${proof.rootHash}\n` +
              `proof:\n${proof.proof.map((hash) => `  ${hash}`).join('\n')}\n${proof.checkpointNote}` +
              (proof.member
                ? `member ${proof.member.index} of ${proof.member.count}: ${proof.member.canonical}\n` +
                  `member proof:\n${proof.member.proof.map((hash) => `  ${hash}`).join('\n')}\n`
                : '') +
              `${verified ? (proof.member ? 'entry and membership verified ✓' : 'verified ✓') : 'NOT VERIFIED'}\n`,
          );
        if (!verified) process.exitCode = 1;
      });
    });
}
