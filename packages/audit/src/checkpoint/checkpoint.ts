// Signed checkpoints of the audit log: written every minute by the server and on demand.
import type { Database, Db } from '@dinhdanh/db';
import { type Clock, type KeyStore, systemClock } from '@dinhdanh/kernel';
import { sql } from 'kysely';
import { lockSequencer, sequence } from '../tree/sequencer.ts';
import { rootAt, treeSize } from '../tree/tree.repository.ts';
import { formatCheckpoint, type NoteKey, type NoteSigner, noteKeyId, signNote } from './signed-note.ts';

/** The key store name of the checkpoint signing key. */
export const CHECKPOINT_KEY_NAME = 'audit-checkpoint';

/** The default origin (and note key name) of this platform's audit log. */
export const DEFAULT_ORIGIN = 'dinhdanh.local/audit';

export interface CheckpointOptions {
  /** The log's origin line, which is also the signing key's name in the note. */
  origin?: string;
  /** The key store name of the signing key. */
  keyName?: string;
}

/** The current checkpoint signer from the key store (created on first use where the store allows). */
export async function checkpointSigner(keys: KeyStore, options: CheckpointOptions = {}): Promise<NoteSigner> {
  const key = await keys.signingKey(options.keyName ?? CHECKPOINT_KEY_NAME);
  return {
    name: options.origin ?? DEFAULT_ORIGIN,
    publicKey: key.publicKey,
    sign: (message) => key.sign(message),
  };
}

/** Every checkpoint key the store has held, current and retired, for verifying old checkpoints. */
export async function checkpointVerifierKeys(
  keys: KeyStore,
  options: CheckpointOptions = {},
): Promise<NoteKey[]> {
  const name = options.origin ?? DEFAULT_ORIGIN;
  return (await keys.publicKeys(options.keyName ?? CHECKPOINT_KEY_NAME)).map((key) => ({
    name,
    publicKey: key.publicKey,
  }));
}

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Uint8Array;
  createdAt: Date;
  /** Hex of the note's 4-byte key ID of the key that signed it. */
  keyId: string;
  /** The C2SP signed note, as issued. */
  note: string;
}

interface CheckpointRow {
  tree_size: number | string;
  root_hash: Uint8Array;
  created_at: Date | string;
  key_id: string;
  note: string;
}

const fromRow = (row: CheckpointRow): StoredCheckpoint => ({
  treeSize: Number(row.tree_size),
  rootHash: Buffer.from(row.root_hash),
  createdAt: new Date(row.created_at),
  keyId: row.key_id,
  note: row.note,
});

/** The checkpoint with the largest tree size, if any. */
export async function latestCheckpoint(db: Db): Promise<StoredCheckpoint | undefined> {
  const { rows } = await sql<CheckpointRow>`
    SELECT tree_size, root_hash, created_at, key_id, note FROM audit.checkpoint
     ORDER BY tree_size DESC LIMIT 1`.execute(db);
  return rows[0] && fromRow(rows[0]);
}

/** The newest checkpoint that covers leaf `leafIndex`, so a proof is against the latest signed root. */
export async function latestCheckpointCovering(
  db: Db,
  leafIndex: number,
): Promise<StoredCheckpoint | undefined> {
  const { rows } = await sql<CheckpointRow>`
    SELECT tree_size, root_hash, created_at, key_id, note FROM audit.checkpoint
     WHERE tree_size > ${leafIndex} ORDER BY tree_size DESC LIMIT 1`.execute(db);
  return rows[0] && fromRow(rows[0]);
}

export class CheckpointRefused extends Error {
  override name = 'CheckpointRefused';
}

/**
 * Sequences every committed entry, then signs and stores a checkpoint of the whole tree.
 * When nothing was added since the last checkpoint, returns that one instead of signing again.
 * Refuses (throws) when the stored tree no longer matches the last checkpoint: a log must never
 * sign a tree inconsistent with one it signed before.
 */
export async function createCheckpoint(
  database: Database,
  signer: NoteSigner,
  options: { clock?: Clock } = {},
): Promise<StoredCheckpoint> {
  await sequence(database);
  const now = (options.clock ?? systemClock).now();
  return database.db.transaction().execute(async (trx) => {
    await lockSequencer(trx);
    const size = await treeSize(trx);
    const latest = await latestCheckpoint(trx);
    if (latest && latest.treeSize === size) return latest;
    if (latest && latest.treeSize > size)
      throw new CheckpointRefused(`the tree has ${size} leaves but checkpoint ${latest.treeSize} exists`);
    if (latest && !Buffer.from(await rootAt(trx, latest.treeSize)).equals(latest.rootHash))
      throw new CheckpointRefused(`the tree no longer matches checkpoint ${latest.treeSize}`);
    const rootHash = await rootAt(trx, size);
    const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const text = formatCheckpoint({
      origin: signer.name,
      treeSize: size,
      rootHash,
      extensions: [`time ${createdAt.toISOString().replace('.000Z', 'Z')}`],
    });
    const note = await signNote(text, [signer]);
    const keyId = Buffer.from(noteKeyId(signer.name, signer.publicKey)).toString('hex');
    await sql`
      INSERT INTO audit.checkpoint (tree_size, root_hash, created_at, key_id, note)
      VALUES (${size}, ${Buffer.from(rootHash)}, ${createdAt.toISOString()}, ${keyId}, ${note})`.execute(trx);
    return { treeSize: size, rootHash, createdAt, keyId, note };
  });
}

export interface Checkpointer {
  /** Runs one checkpoint now (waiting for a run in progress first). */
  runNow(): Promise<StoredCheckpoint>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Writes a checkpoint every `every` ms (default one minute). Runs never overlap; a failed run
 * is reported to `onError` and the next tick tries again, so nothing is lost.
 */
export function startCheckpointer(
  database: Database,
  signer: NoteSigner,
  options: { every?: number; clock?: Clock; onError?: (error: unknown) => void } = {},
): Checkpointer {
  let running: Promise<StoredCheckpoint> | undefined;
  const run = async (): Promise<StoredCheckpoint> => {
    while (running) await running.catch(() => {});
    const current = createCheckpoint(database, signer, { clock: options.clock ?? systemClock });
    running = current;
    try {
      return await current;
    } finally {
      if (running === current) running = undefined;
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    run().catch((error) => options.onError?.(error));
  }, options.every ?? 60_000);
  timer.unref();
  return {
    runNow: run,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
