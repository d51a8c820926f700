// C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and transparency-log
// checkpoints (c2sp.org/tlog-checkpoint) as their text.
import { createHash, createPublicKey, verify } from 'node:crypto';

const ED25519_TYPE = 0x01;
const SIGNATURE_PREFIX = '\u2014 '; // em dash, space
const MAX_SIGNATURES = 100;
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A public key that may have signed a note: its name and raw 32-byte Ed25519 key. */
export interface NoteKey {
  name: string;
  publicKey: Uint8Array;
}

/** Something that signs notes under a name with an Ed25519 key it holds. */
export interface NoteSigner extends NoteKey {
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Key names are non-empty and hold no Unicode space and no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasForbiddenControl(name);
}

// Notes carry no ASCII control characters other than newline.
function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) return true;
  }
  return false;
}

/** The 4-byte key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ED25519_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The verifier-key text `name+hex(key ID)+base64(0x01 ‖ public key)`, as Go's sumdb/note and others share keys. */
export function formatVerifierKey(key: NoteKey): string {
  const id = Buffer.from(noteKeyId(key.name, key.publicKey)).toString('hex');
  return `${key.name}+${id}+${Buffer.concat([Buffer.from([ED25519_TYPE]), key.publicKey]).toString('base64')}`;
}

/** Parses a verifier-key text; throws when it is malformed or its key ID does not match. */
export function parseVerifierKey(text: string): NoteKey {
  // Names hold no '+' and IDs are hex, so the first two '+' split; the base64 key may hold more.
  const [name, id, ...keyParts] = text.trim().split('+');
  const key = keyParts.join('+');
  if (!name || !id || !/^[0-9a-f]{8}$/.test(id) || !key || !isValidKeyName(name))
    throw new TypeError('malformed verifier key');
  if (!strictBase64.test(key)) throw new TypeError('malformed verifier key');
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519_TYPE) throw new TypeError('not an Ed25519 verifier key');
  const publicKey = new Uint8Array(raw.subarray(1));
  if (Buffer.from(noteKeyId(name, publicKey)).toString('hex') !== id)
    throw new TypeError('verifier key ID does not match its key');
  return { name, publicKey };
}

/** Signs `text` (which must end in a newline) and returns the signed note. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  if (!text.endsWith('\n') || text === '\n')
    throw new TypeError('note text must be non-empty and end in a newline');
  if (hasForbiddenControl(text)) throw new TypeError('note text holds a control character');
  const lines: string[] = [];
  for (const signer of signers) {
    if (!isValidKeyName(signer.name)) throw new TypeError(`invalid key name ${signer.name}`);
    const signature = await signer.sign(Buffer.from(text, 'utf8'));
    const blob = Buffer.concat([noteKeyId(signer.name, signer.publicKey), signature]);
    lines.push(`${SIGNATURE_PREFIX}${signer.name} ${blob.toString('base64')}\n`);
  }
  return `${text}\n${lines.join('')}`;
}

export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  /** The known keys whose signatures verified. */
  verifiedBy: NoteKey[];
}

export class NoteError extends Error {
  override name = 'NoteError';
}

function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/**
 * Verifies a signed note against known keys. Signatures from unknown keys are ignored; a
 * failing signature from a known key rejects the note; at least one known key must verify.
 */
export function openNote(note: string, known: readonly NoteKey[]): OpenedNote {
  if (hasForbiddenControl(note)) throw new NoteError('note holds a control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  const signatureLines = note.slice(split + 2, -1).split('\n');
  if (signatureLines.length > MAX_SIGNATURES) throw new NoteError('too many signatures');
  const message = Buffer.from(text, 'utf8');
  const verifiedBy: NoteKey[] = [];
  for (const line of signatureLines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed signature line');
    const [name, blob, ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    if (!name || !blob || rest.length > 0 || !isValidKeyName(name) || !strictBase64.test(blob))
      throw new NoteError('malformed signature line');
    const raw = Buffer.from(blob, 'base64');
    if (raw.length < 5) throw new NoteError('malformed signature');
    const id = raw.subarray(0, 4);
    const key = known.find(
      (candidate) =>
        candidate.name === name && Buffer.from(noteKeyId(candidate.name, candidate.publicKey)).equals(id),
    );
    if (!key) continue;
    if (!verifyEd25519(key.publicKey, message, raw.subarray(4)))
      throw new NoteError(`signature by ${name} (key ${id.toString('hex')}) does not verify`);
    verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) throw new NoteError('no signature from a known key');
  return { text, verifiedBy };
}

/** A transparency-log checkpoint body. */
export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  /** Optional extension lines (without newlines). */
  extensions: string[];
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (!isValidKeyName(checkpoint.origin)) throw new TypeError('invalid origin');
  if (!Number.isSafeInteger(checkpoint.treeSize) || checkpoint.treeSize < 0)
    throw new TypeError('invalid tree size');
  for (const line of checkpoint.extensions)
    if (line.length === 0 || line.includes('\n')) throw new TypeError('invalid extension line');
  return [
    checkpoint.origin,
    String(checkpoint.treeSize),
    Buffer.from(checkpoint.rootHash).toString('base64'),
    ...checkpoint.extensions,
    '',
  ].join('\n');
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.pop() !== '' || lines.length < 3) throw new NoteError('malformed checkpoint');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size) || !strictBase64.test(root))
    throw new NoteError('malformed checkpoint');
  const treeSize = Number(size);
  const rootHash = Buffer.from(root, 'base64');
  if (!Number.isSafeInteger(treeSize) || rootHash.length !== 32 || extensions.some((line) => line === ''))
    throw new NoteError('malformed checkpoint');
  return { origin, treeSize, rootHash, extensions };
}

/** Verifies a signed checkpoint note and returns its body; throws NoteError otherwise. */
export function openCheckpoint(
  note: string,
  known: readonly NoteKey[],
): Checkpoint & { verifiedBy: NoteKey[] } {
  const opened = openNote(note, known);
  return { ...parseCheckpoint(opened.text), verifiedBy: opened.verifiedBy };
}
