// `npm run bench:card`: chip-card verifications per second per core (issue 5), each beside the
// crypto-only ceiling measured with node:crypto in the same run.
//   1. library: `verifyCard` (passive + active) against the ceiling — SHA-256 of every DG file and
//      of the eContent (message digest), SHA-256 of the DS certificate (the fingerprint the
//      validated DS is cached under), the SOD signature and the AA signature (DS key loaded once,
//      each card's AA key passed as SPKI DER) — interleaved rounds, medians of the rates and of the per-round ratios;
//   2. HTTP API (`POST /api/card/v1/verifications` on a throwaway PostgreSQL, passive + active,
//      registry cross-check and audit entry; bench/card-api.bench.ts) against the same ceiling.
// Document Signers: RSA-2048 (RSASSA-PSS), ECDSA P-256 and brainpoolP256r1, reported separately.
// Each algorithm signs `--cards` distinct cards (own AA keys, own DG contents), verified in turn, so
// nothing per card is served from a cache — only the Document Signer repeats, as in real life.
//
//   node bench/card.bench.ts [--rounds R] [--ms MS] [--cards N]
import { constants, createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  addCrl,
  addTrustAnchor,
  type CardAlgorithm,
  CardPkiStore,
  type ChipSimulator,
  certificateDer,
  createChipSimulator,
  createTrustStore,
  type DocumentSigner,
  encodeDg1,
  encodeDg2,
  encodeDg13,
  encodeDg15,
  encodeSod,
  encodeTd1,
  faceRecord,
  parseCertificate,
  parseSod,
  placeholderJpeg,
  type TrustStore,
  verifyCard,
} from '@dinhdanh/card';
import { runCardApiBench } from './card-api.bench.ts';
import { median } from './jws.bench.ts';

export const benchAlgorithms: readonly { algorithm: CardAlgorithm; label: string }[] = [
  { algorithm: 'rsa-pss', label: 'RSA-2048 PSS' },
  { algorithm: 'ecdsa-p256', label: 'ECDSA P-256' },
  { algorithm: 'brainpool-p256', label: 'brainpoolP256r1' },
];

export interface BenchCard {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  dataGroups: Map<number, Uint8Array>;
  sod: Uint8Array;
  chip: ChipSimulator;
}

/** A deterministic citizen for card `i` (12-digit ID number, Vietnamese name and address). */
export function benchPerson(i: number) {
  const idNumber = `0011900${String(10_000 + i).padStart(5, '0')}`;
  return {
    idNumber,
    fullName: `Nguyễn Thị Minh Khai ${String.fromCharCode(65 + (i % 26))}`,
    dateOfBirth: `1990-05-${String(1 + (i % 28)).padStart(2, '0')}`,
  };
}

/** The chip files of one card, built with the issuer's encoders (no registry involved). */
export function buildCard(
  signer: DocumentSigner,
  person: { idNumber: string; fullName: string; dateOfBirth: string },
  signingTime: Date,
  jpeg: Uint8Array,
): BenchCard {
  const chip = createChipSimulator();
  const vn = (iso: string) => iso.split('-').reverse().join('/');
  const dataGroups = new Map<number, Uint8Array>([
    [1, encodeDg1(encodeTd1({ ...person, sex: 'female', expiryDate: '2030-05-17' }))],
    [2, encodeDg2(faceRecord(jpeg, { sex: 'female', width: 240, height: 320 }))],
    [
      13,
      encodeDg13({
        idNumber: person.idNumber,
        fullName: person.fullName,
        dateOfBirth: vn(person.dateOfBirth),
        sex: 'Nữ',
        nationality: 'Việt Nam',
        ethnicity: 'Kinh',
        religion: 'Không',
        placeOfOrigin: 'Xã Đông Hội, Huyện Đông Anh, Hà Nội',
        permanentResidence: 'Số 5 Phố Hàng Bông, Phường Hàng Trống, Quận Hoàn Kiếm, Hà Nội',
        issueDate: vn(signingTime.toISOString().slice(0, 10)),
        expiryDate: '17/05/2030',
        father: 'Nguyễn Văn An',
        mother: 'Trần Thị Bình',
        spouse: undefined,
        oldIdNumber: undefined,
      }),
    ],
    [15, encodeDg15(chip.publicKey)],
  ]);
  const sod = encodeSod({ dataGroups, signer, signingTime });
  return { ...person, dataGroups, sod, chip };
}

export interface AlgorithmFixture {
  algorithm: CardAlgorithm;
  label: string;
  signer: DocumentSigner;
  cards: BenchCard[];
  trust: TrustStore;
  /** PEM files for a server's trust loader: the PKI store directory they came from. */
  keysDir: string;
}

/** A CSCA + DS per algorithm in a temporary key directory, `count` cards each, a trust store. */
export async function buildFixtures(count: number, now = new Date()): Promise<AlgorithmFixture[]> {
  const keysDir = mkdtempSync(path.join(tmpdir(), 'dinhdanh-card-bench-'));
  const pki = new CardPkiStore(keysDir, { allowCreate: true });
  const jpeg = placeholderJpeg(240, 320);
  const fixtures: AlgorithmFixture[] = [];
  for (const { algorithm, label } of benchAlgorithms) {
    const { certificate: csca } = await pki.initCsca(algorithm, {
      now: new Date(now.getTime() - 86_400_000),
    });
    const signer = await pki.issueDocumentSigner(algorithm, { now: new Date(now.getTime() - 3_600_000) });
    const cards = Array.from({ length: count }, (_, i) => buildCard(signer, benchPerson(i), now, jpeg));
    // As the API's trust loader builds it: the CSCA and its (empty) CRL.
    const trust = createTrustStore();
    addTrustAnchor(trust, parseCertificate(certificateDer(csca)));
    addCrl(trust, await pki.crl(algorithm, { now }));
    fixtures.push({ algorithm, label, signer, cards, trust, keysDir });
  }
  return fixtures;
}

export function removeFixtures(fixtures: AlgorithmFixture[]): void {
  const dir = fixtures[0]?.keysDir;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * What one verification costs in cryptography alone, with the DS validated once and cached by
 * fingerprint: the hashes (each DG file, the eContent for the message-digest attribute, the DS
 * certificate for its fingerprint) and the two signature verifications: the DS key loaded once,
 * the card's own AA key passed as DER (it differs per card, so it cannot be held loaded).
 * The SOD's parts are located once here, outside the timed loop.
 */
export function ceilingVerifier(fixture: AlgorithmFixture, at: Date) {
  const dsDer = certificateDer(fixture.signer.certificate);
  const dsKey = new X509Certificate(dsDer).publicKey;
  const prepared = fixture.cards.map((card) => {
    const result = verifyCard({ sod: card.sod, dataGroups: card.dataGroups }, { trust: fixture.trust, at });
    if (!result.valid) throw new Error(`bench card does not verify: ${result.failures.join(', ')}`);
    const sod = parseSodParts(card.sod);
    const nonce = randomBytes(8);
    return {
      files: [...card.dataGroups.values()],
      eContent: sod.eContent,
      signedAttributes: sod.signedAttributes,
      signature: sod.signature,
      // Each card has its own AA key, so no verifier can hold it loaded: node:crypto's cheapest
      // path is to hand it the DG15 SubjectPublicKeyInfo directly.
      aaSpki: card.chip.publicKey.export({ type: 'spki', format: 'der' }),
      nonce,
      aaSignature: card.chip.internalAuthenticate(nonce),
    };
  });
  const pss = fixture.algorithm === 'rsa-pss';
  let i = 0;
  return (): boolean => {
    const card = prepared[i++ % prepared.length] as (typeof prepared)[number];
    for (const file of card.files) createHash('sha256').update(file).digest();
    createHash('sha256').update(card.eContent).digest();
    createHash('sha256').update(dsDer).digest();
    const sodOk = verify(
      'sha256',
      card.signedAttributes,
      pss
        ? { key: dsKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : { key: dsKey, dsaEncoding: 'der' },
      card.signature,
    );
    const aaOk = verify(
      'sha256',
      card.nonce,
      { key: card.aaSpki, format: 'der', type: 'spki', dsaEncoding: 'ieee-p1363' },
      card.aaSignature,
    );
    return sodOk && aaOk;
  };
}

/** The SOD's eContent, signed attributes (as SET) and signature, with the library's own parser. */
function parseSodParts(sodBytes: Uint8Array) {
  // The library's parser, outside the timed loop: the ceiling only needs the byte ranges.
  const { signedData } = parseSod(sodBytes);
  return {
    eContent: signedData.eContent,
    signedAttributes: signedData.signer.signedAttributes as Uint8Array,
    signature: signedData.signer.signature,
  };
}

/** `verifyCard` with Active Authentication over the same cards, cycling like the ceiling. */
export function libraryVerifier(fixture: AlgorithmFixture, at: Date) {
  const prepared = fixture.cards.map((card) => {
    const nonce = randomBytes(8);
    return {
      files: { sod: card.sod, dataGroups: card.dataGroups },
      activeAuthentication: { nonce, signature: card.chip.internalAuthenticate(nonce) },
    };
  });
  for (const card of prepared) {
    const result = verifyCard(card.files, {
      trust: fixture.trust,
      at,
      activeAuthentication: card.activeAuthentication,
    });
    if (!result.valid) throw new Error(`verifyCard failed: ${result.failures.join(', ')}`);
  }
  let i = 0;
  return (): boolean => {
    const card = prepared[i++ % prepared.length] as (typeof prepared)[number];
    return verifyCard(card.files, {
      trust: fixture.trust,
      at,
      activeAuthentication: card.activeAuthentication,
    }).valid;
  };
}

function windowRate(fn: () => boolean, ms: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 10; k++) if (!fn()) throw new Error('a verification failed inside the timed loop');
    n += 10;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

export interface LibraryRow {
  algorithm: CardAlgorithm;
  label: string;
  ceiling: number;
  library: number;
  /** Median of the per-round ratios library ÷ ceiling. */
  ratio: number;
}

/** Ceiling and library in alternating windows, so the shared machine's noise hits both alike. */
export function runLibraryBench(
  fixtures: AlgorithmFixture[],
  options: { ms: number; rounds: number; at: Date },
): LibraryRow[] {
  return fixtures.map((fixture) => {
    const ceilingFn = ceilingVerifier(fixture, options.at);
    const libraryFn = libraryVerifier(fixture, options.at);
    windowRate(ceilingFn, options.ms);
    windowRate(libraryFn, options.ms);
    const c: number[] = [];
    const l: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const a = windowRate(ceilingFn, options.ms);
      const b = windowRate(libraryFn, options.ms);
      c.push(a);
      l.push(b);
      ratios.push(b / a);
    }
    return {
      algorithm: fixture.algorithm,
      label: fixture.label,
      ceiling: median(c),
      library: median(l),
      ratio: median(ratios),
    };
  });
}

export function formatLibraryBench(rows: LibraryRow[], rounds: number): string {
  const lines = [
    `verifyCard (passive + active) on one core, verifications/s (medians of ${rounds} interleaved rounds):`,
    '  DS algorithm       node:crypto ceiling   verifyCard   (÷ ceiling)',
  ];
  for (const row of rows) {
    lines.push(
      `  ${row.label.padEnd(18)} ${Math.round(row.ceiling).toString().padStart(19)} ` +
        `${Math.round(row.library).toString().padStart(12)}   (${row.ratio.toFixed(2)})`,
    );
  }
  lines.push('  target: verifyCard ≥ 0.50 × ceiling');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({
    options: {
      rounds: { type: 'string', default: '11' },
      ms: { type: 'string', default: '300' },
      cards: { type: 'string', default: '64' },
    },
  });
  const at = new Date();
  const fixtures = await buildFixtures(Number(args.cards), at);
  try {
    const rows = runLibraryBench(fixtures, { ms: Number(args.ms), rounds: Number(args.rounds), at });
    process.stdout.write(
      `card benchmark, ${new Date().toISOString()}\n\n${formatLibraryBench(rows, Number(args.rounds))}\n`,
    );
    const api: Array<{
      label: string;
      perSecond: number;
      ceiling: number;
      failures: number;
      firstFailure: string;
    }> = [];
    for (const { algorithm, label } of benchAlgorithms) {
      const ceiling = rows.find((row) => row.label === label)?.ceiling ?? Number.NaN;
      const measured = await runCardApiBench({
        algorithm,
        seconds: 5,
        rounds: Math.min(3, Number(args.rounds)),
      });
      api.push({ label, ceiling, ...measured });
    }
    process.stdout.write(
      `\nthrough the HTTP API (16 keep-alive connections, each request its own challenge; median of rounds):\n${api
        .map(
          (row) =>
            `  ${row.label.padEnd(18)} ${Math.round(row.perSecond).toString().padStart(6)} req/s  ÷ ceiling ${(row.perSecond / row.ceiling).toFixed(2)}` +
            `${row.failures ? `  (${row.failures} failures: ${row.firstFailure})` : ''}`,
        )
        .join('\n')}\n  target: ≥ 0.25 × ceiling\n`,
    );
    process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), library: rows, api })}\n`);
  } finally {
    removeFixtures(fixtures);
  }
}
