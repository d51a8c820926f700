import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  formatVerifierKey,
  type NoteSigner,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signNote,
} from './signed-note.ts';

// The known-answer example of Go's golang.org/x/mod/sumdb/note (the reference implementation of
// c2sp.org/signed-note). Ed25519 is deterministic, so signing must reproduce it byte for byte.
const GO_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
  return { name, publicKey, sign: async (message) => sign(null, message, privateKey) };
}

function randomSigner(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    name,
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
    sign: async (message) => sign(null, message, privateKey),
  };
}

const goSigner = () => {
  // The last '+'-field is base64(0x01 ‖ seed); the base64 itself may contain '+'.
  const material = GO_SIGNER_KEY.split('+').slice(4).join('+');
  return signerFromSeed('PeterNeumann', Buffer.from(material, 'base64').subarray(1));
};

describe('signed notes (c2sp.org/signed-note)', () => {
  it("reproduces Go's sumdb/note example byte for byte", async () => {
    const signer = goSigner();
    expect(formatVerifierKey(signer)).toBe(GO_VERIFIER_KEY);
    expect(await signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
  });

  it("opens Go's example with its verifier key and rejects any change to the text", () => {
    const key = parseVerifierKey(GO_VERIFIER_KEY);
    expect(openNote(GO_NOTE, [key]).text).toBe(GO_TEXT);
    expect(() => openNote(GO_NOTE.replace('cryptography', 'cryptographY'), [key])).toThrow(/does not verify/);
    expect(() => openNote(GO_NOTE.replace('— ', '-- '), [key])).toThrow(/malformed/);
  });

  it('ignores signatures from unknown keys but needs one from a known key', async () => {
    const known = randomSigner('dinhdanh.test/audit');
    const stranger = randomSigner('someone.else/log');
    const sameName = randomSigner('dinhdanh.test/audit');
    const note = await signNote('hello\n', [stranger, sameName, known]);
    expect(openNote(note, [known]).verifiedBy).toEqual([known]);
    expect(() => openNote(note, [randomSigner('dinhdanh.test/audit')])).toThrow(
      /no signature from a known key/,
    );
  });

  it('rejects a verifier key whose ID does not match', () => {
    expect(() => parseVerifierKey(GO_VERIFIER_KEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/does not match/);
    expect(() => parseVerifierKey('no-plus-signs')).toThrow();
    // transparency-dev/formats' test key, whose base64 holds a '+'.
    expect(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).toBe('TEST');
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  const root = Buffer.alloc(32, 7);

  it('formats origin, size and base64 root on their own lines and parses them back', async () => {
    const text = formatCheckpoint({
      origin: 'dinhdanh.test/audit',
      treeSize: 20852163,
      rootHash: root,
      extensions: [],
    });
    expect(text).toBe(`dinhdanh.test/audit\n20852163\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({
      origin: 'dinhdanh.test/audit',
      treeSize: 20852163,
      rootHash: root,
      extensions: [],
    });
    const signer = randomSigner('dinhdanh.test/audit');
    const note = await signNote(text, [signer]);
    expect(openCheckpoint(note, [signer]).treeSize).toBe(20852163);
  });

  it('refuses malformed bodies', () => {
    const b64 = root.toString('base64');
    for (const text of [
      `o\n012\n${b64}\n`,
      `o\n-1\n${b64}\n`,
      'o\n1\nAAAA\n',
      `o\n1\n${b64}`,
      `o\n1\n${b64}\n\nx\n`,
    ])
      expect(() => parseCheckpoint(text), JSON.stringify(text)).toThrow();
  });
});
