// The tamper-evident audit log and the citizen's access log. See README.md.
export {
  type AccessLogEntry,
  type AccessLogEntryProof,
  type AccessLogMemberProof,
  accessLog,
  accessLogEntryProof,
  accessLogProofSubject,
  verifyAccessLogEntryProof,
} from './access-log/access-log.ts';
export {
  CHECKPOINT_KEY_NAME,
  type Checkpointer,
  CheckpointRefused,
  checkpointSigner,
  checkpointVerifierKeys,
  createCheckpoint,
  DEFAULT_ORIGIN,
  latestCheckpoint,
  type StoredCheckpoint,
  startCheckpointer,
} from './checkpoint/checkpoint.ts';
export {
  type Checkpoint,
  formatCheckpoint,
  formatVerifierKey,
  NoteError,
  type NoteKey,
  type NoteSigner,
  noteKeyId,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signNote,
} from './checkpoint/signed-note.ts';
export type { AuditBatchMember, PreparedBatch } from './entry/audit-batch.ts';
export { countAuditEntries } from './entry/audit-entry.counts.ts';
export {
  type AppendOptions,
  appendAuditBatch,
  appendAuditEntries,
  appendAuditEntry,
  insertBatchEntryCte,
  insertEntriesCte,
  prepareAuditBatch,
  prepareEntries,
} from './entry/audit-entry.repository.ts';
export {
  ActorKind,
  AuditEntryInput,
  type BatchCommitment,
  type CanonicalEntry,
  canonicalJson,
  SUBJECT_KEY_NAME,
  subjectKey,
} from './entry/audit-entry.ts';
export {
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle/merkle.ts';
export { auditMigrations } from './migrations.ts';
export { type SequenceResult, sequence } from './tree/sequencer.ts';
export { consistencyProof, inclusionProof, rootAt, treeSize } from './tree/tree.repository.ts';
export {
  type ProblemKind,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyResult,
  verifyLog,
} from './verify/verify-log.ts';
