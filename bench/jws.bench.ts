// JWS sign/verify of ID-token-sized payloads: the platform's helpers next to raw node:crypto
// with the same cached key objects (the ceiling) and next to `jose` (what most Node OpenID
// code uses). Each figure is the median of several timed rounds on one core.
import { constants, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { type JwsAlgorithm, jwsSigner, jwsVerifier } from '@dinhdanh/kernel';
import { jwtVerify, SignJWT } from 'jose';

export interface RateFigure {
  opsPerSecond: number;
}

/** Median ops/s of `rounds` windows of `ms` milliseconds each (sync). */
export function measureSync(fn: () => void, ms = 400, rounds = 5): number {
  return median(Array.from({ length: rounds }, () => windowRate(fn, ms)));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** An ID token's worth of claims (~700 bytes encoded), as a level-2 login releases them. */
export function idTokenClaims(now = Math.floor(Date.now() / 1000)) {
  return {
    iss: 'https://id.dinhdanh.example',
    sub: 'pw3JH0m0y3pLZbqSgF2vZcQmTDk7rGvB8yQ1Lr6kq1E',
    aud: 'rp-cong-dich-vu-cong',
    exp: now + 300,
    iat: now,
    auth_time: now - 5,
    nonce: 'n-0S6_WzA2Mj',
    acr: 'urn:dinhdanh:acr:level2',
    amr: ['pwd', 'sms'],
    sid: 'b0f1a1c2-5d6e-4f70-8a9b-0c1d2e3f4a5b',
    at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
    name: 'Nguyễn Thị Minh Khai',
    birthdate: '1990-05-17',
    gender: 'female',
    id_number: '001190012345',
  };
}

export interface JwsRow {
  alg: JwsAlgorithm;
  op: 'sign' | 'verify';
  raw: number;
  ours: number;
  jose: number;
  /** Medians of the per-round ratios to raw (more robust than the ratio of medians). */
  oursRatio: number;
  joseRatio: number;
}

const rawSigners: Record<'ES256' | 'PS256' | 'EdDSA', (data: Buffer, key: KeyObject) => Buffer> = {
  ES256: (data, key) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
  PS256: (data, key) =>
    sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  EdDSA: (data, key) => sign(null, data, key),
};
const rawVerifiers: Record<
  'ES256' | 'PS256' | 'EdDSA',
  (data: Buffer, key: KeyObject, sig: Buffer) => boolean
> = {
  ES256: (data, key, sig) => verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig),
  PS256: (data, key, sig) =>
    verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig),
  EdDSA: (data, key, sig) => verify(null, data, key, sig),
};

function keyPair(alg: 'ES256' | 'PS256' | 'EdDSA') {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === 'PS256') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  return generateKeyPairSync('ed25519');
}

/** Rate of a sync function over one window of `ms` milliseconds. */
function windowRate(fn: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

async function windowRateAsync(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 10; i++) await fn();
    n += 10;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

/**
 * Raw, ours and jose measured in alternating short windows, so the shared machine's noise hits
 * all three alike; rates and ratios are medians over the rounds.
 */
async function compare(
  raw: () => void,
  ours: () => void,
  jose: () => Promise<unknown>,
  ms: number,
  rounds: number,
): Promise<{ raw: number; ours: number; jose: number; oursRatio: number; joseRatio: number }> {
  const r: number[] = [];
  const o: number[] = [];
  const j: number[] = [];
  const oursRatios: number[] = [];
  const joseRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = windowRate(raw, ms);
    const b = windowRate(ours, ms);
    const c = await windowRateAsync(jose, ms);
    r.push(a);
    o.push(b);
    j.push(c);
    oursRatios.push(b / a);
    joseRatios.push(c / a);
  }
  return {
    raw: median(r),
    ours: median(o),
    jose: median(j),
    oursRatio: median(oursRatios),
    joseRatio: median(joseRatios),
  };
}

export async function runJwsBench(options: { ms?: number; rounds?: number } = {}): Promise<JwsRow[]> {
  const ms = options.ms ?? 150;
  const rounds = options.rounds ?? 11;
  const rows: JwsRow[] = [];
  for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
    const { privateKey, publicKey } = keyPair(alg);
    const claims = idTokenClaims();
    const signer = jwsSigner({ alg, key: privateKey, kid: 'k1' }, { typ: 'JWT' });
    const verifier = jwsVerifier([{ alg, key: publicKey, kid: 'k1' }]);
    const token = signer.sign(claims);
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
    const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
    // The ceiling: the signature primitive alone on the already-encoded input.
    const signing = await compare(
      () => rawSigners[alg](input, privateKey),
      () => signer.sign(claims),
      () => new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', kid: 'k1' }).sign(privateKey),
      ms,
      rounds,
    );
    rows.push({ alg, op: 'sign', ...signing });
    const verifying = await compare(
      () => rawVerifiers[alg](input, publicKey, signature),
      () => verifier.verify(token),
      () => jwtVerify(token, publicKey),
      ms,
      rounds,
    );
    rows.push({ alg, op: 'verify', ...verifying });
  }
  return rows;
}

export function formatJwsBench(rows: JwsRow[]): string {
  const lines = ['JWS on an ID-token-sized payload, one core, ops/s (medians of 11 interleaved rounds):'];
  lines.push('  alg    op      node:crypto   dinhdanh   (÷ raw)      jose   (÷ raw)');
  for (const row of rows) {
    lines.push(
      `  ${row.alg.padEnd(6)} ${row.op.padEnd(7)} ${Math.round(row.raw).toString().padStart(11)} ` +
        `${Math.round(row.ours).toString().padStart(10)}   (${row.oursRatio.toFixed(2)}) ` +
        `${Math.round(row.jose).toString().padStart(9)}   (${row.joseRatio.toFixed(2)})`,
    );
  }
  lines.push('  target: dinhdanh ≥ 0.80 × node:crypto');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatJwsBench(await runJwsBench())}\n`);
}
