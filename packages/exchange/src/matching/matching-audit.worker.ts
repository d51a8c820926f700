// Worker thread of `workerAuditor`: prepares matching batches' audit entries (subject keys, the
// members' Merkle tree, the canonical text) while the main thread compares the next batch.
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditEntryInput } from '@dinhdanh/audit';
import { type MatchedMember, prepareMatchAudit, subjectKeyer } from './matching-audit.ts';

const keyer = subjectKeyer((workerData as { secret: Uint8Array }).secret);
parentPort!.on('message', (message: { id: number; entry: AuditEntryInput; members: MatchedMember[] }) => {
  try {
    parentPort!.postMessage({
      id: message.id,
      result: prepareMatchAudit(keyer, message.entry, message.members),
    });
  } catch (error) {
    parentPort!.postMessage({
      id: message.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
