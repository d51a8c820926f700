import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '@dinhdanh/kernel';
import { cardAlgorithms } from '../pki/algorithms.ts';
import { CardPkiStore } from '../pki/pki-store.ts';
import { createTrustStore, importTrustFile, type TrustStore } from '../trust/trust-store.ts';

interface LoaderOptions {
  keysDir: string;
  extraFiles: readonly string[];
  clock: Clock;
}

const loaders = new Map<string, () => Promise<TrustStore>>();

/**
 * The trust store card verification uses: this platform's own CSCAs, each with a fresh CRL
 * (revoked Document Signers), plus the master lists, certificates or CRLs named in
 * DINHDANH_CARD_TRUST (other countries' CSCAs from the ICAO master list, for instance).
 * It is rebuilt when those files change (a few stat calls per use) — a new CSCA or a revoked
 * Document Signer counts at once, with no restart — and shared by every caller with the same configuration, so the
 * relying-party API, the officer console and level-2 activation agree.
 */
export function cardTrustLoader(options: LoaderOptions): () => Promise<TrustStore> {
  const key = JSON.stringify([options.keysDir, options.extraFiles]);
  let loader = loaders.get(key);
  if (!loader) {
    loader = createLoader(options);
    loaders.set(key, loader);
  }
  return loader;
}

function createLoader(options: LoaderOptions): () => Promise<TrustStore> {
  const pki = new CardPkiStore(options.keysDir, { allowCreate: false });
  const watched = [
    ...cardAlgorithms.flatMap((algorithm) => [
      path.join(pki.dir, algorithm, 'csca.pem'),
      path.join(pki.dir, algorithm, 'revoked.json'),
    ]),
    ...options.extraFiles,
  ];
  const stateOf = async () =>
    (
      await Promise.all(
        watched.map((file) =>
          stat(file).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        ),
      )
    ).join(',');
  const build = async (): Promise<TrustStore> => {
    const store = createTrustStore();
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
  let cached: { state: string; store: Promise<TrustStore> } | undefined;
  return async () => {
    const state = await stateOf();
    if (!cached || cached.state !== state) {
      const store = build();
      cached = { state, store };
      // A failed build is not cached: the next call tries again.
      store.catch(() => {
        if (cached?.store === store) cached = undefined;
      });
    }
    return cached.store;
  };
}
