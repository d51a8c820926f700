import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * DEVELOPMENT SIMULATOR of a card chip's Active Authentication (ICAO 9303-11 §6.1): it holds the
 * chip's ECDSA P-256 private key, which on a real card never leaves the secure element, and
 * answers INTERNAL AUTHENTICATE with a signature over the verifier's nonce. Production cards are
 * personalised by the card manufacturer; nothing here should sign for a real card.
 *
 * Signature: ECDSA with SHA-256 over the nonce, in the plain format `r || s` (BSI TR-03111
 * §5.2.1), 64 bytes — the format chips return, unlike X.509's DER.
 */
export interface ChipSimulator {
  readonly kind: 'development-simulator';
  /** The AA public key that DG15 carries. */
  readonly publicKey: KeyObject;
  internalAuthenticate(nonce: Uint8Array): Uint8Array;
  /** PKCS#8 DER of the private key, for tests that keep a simulated card between runs. */
  exportPrivateKey(): Uint8Array;
}

export function createChipSimulator(privateKey?: KeyObject): ChipSimulator {
  const key = privateKey ?? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  return {
    kind: 'development-simulator',
    publicKey: createPublicKey(key),
    internalAuthenticate: (nonce) => {
      // ICAO 9303-11: the nonce (RND.IFD) is 8 bytes; accept more for other profiles, never none.
      if (nonce.length < 8 || nonce.length > 256) throw new RangeError('nonce must be 8–256 bytes');
      return new Uint8Array(sign('sha256', nonce, { key, dsaEncoding: 'ieee-p1363' }));
    },
    exportPrivateKey: () => new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
  };
}
