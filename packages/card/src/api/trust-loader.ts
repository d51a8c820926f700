import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '@dinhdanh/kernel';
import { cardAlgorithms } from '../pki/algorithms.ts';
import { CardPkiStore } from '../pki/pki-store.ts';
import { createTrustStore, importTrustFile, type TrustStore } from '../trust/trust-store.ts';

/**
 * The trust store the verification API uses: this platform's own CSCAs with a fresh CRL each
 * (revoked Document Signers), plus any master lists, certificates or CRLs named in
 * DINHDANH_CARD_TRUST (other countries' CSCAs from the ICAO master list, for instance).
 * Rebuilt at most once a minute, so a revocation or a new CSCA is picked up without a restart.
 */
export function cardTrustLoader(options: { keysDir: string; extraFiles: readonly string[]; clock: Clock }) {
  let cached: { at: number; store: Promise<TrustStore> } | undefined;
  const build = async (): Promise<TrustStore> => {
    const store = createTrustStore();
    const pki = new CardPkiStore(options.keysDir, { allowCreate: false });
    for (const algorithm of cardAlgorithms) {
      let pem: Buffer;
      try {
        pem = await readFile(path.join(pki.dir, algorithm, 'csca.pem'));
      } catch {
        continue;
      }
      importTrustFile(store, new Uint8Array(pem));
      try {
        importTrustFile(store, await pki.crl(algorithm, { now: options.clock.now() }));
      } catch {
        // A CSCA whose key is held elsewhere (imported) has no local CRL to sign.
      }
    }
    for (const file of options.extraFiles) importTrustFile(store, new Uint8Array(await readFile(file)));
    return store;
  };
  return (): Promise<TrustStore> => {
    const now = Date.now();
    if (!cached || now - cached.at > 60_000) cached = { at: now, store: build() };
    return cached.store;
  };
}
