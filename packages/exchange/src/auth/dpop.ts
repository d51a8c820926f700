import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { type JwsAlgorithm, JwsError, type JwsVerifier, jwsVerifier } from '@dinhdanh/kernel';

/** A verified DPoP proof (RFC 9449): the thumbprint of its key and its claims. */
export interface DpopProof {
  jkt: string;
  jti: string;
  iat: number;
}

const MAX_PROOF_LENGTH = 8_192;
// Members only private keys have (RFC 7517/7518); a proof carrying one is refused.
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order. */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const required =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url');
}

function algorithmOf(jwk: Record<string, unknown>): JwsAlgorithm | undefined {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'PS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

// A client keeps its DPoP key for many requests: building the key object once per key saves
// most of a proof's cost.
const verifiers = new Map<string, { verifier: JwsVerifier; jkt: string }>();

function verifierFor(jwk: Record<string, unknown>): { verifier: JwsVerifier; jkt: string } {
  const cacheKey = JSON.stringify(jwk);
  const cached = verifiers.get(cacheKey);
  if (cached) return cached;
  if (privateMembers.some((member) => member in jwk))
    throw new JwsError('malformed', 'the proof key is private');
  const alg = algorithmOf(jwk);
  if (!alg) throw new JwsError('algorithm', 'the proof key must be P-256, RSA or Ed25519');
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new JwsError('malformed', 'the proof key is invalid');
  }
  if (alg === 'PS256' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw new JwsError('algorithm', 'RSA proof keys need 2048 bits');
  const entry = { verifier: jwsVerifier([{ alg, key }]), jkt: jwkThumbprint(jwk) };
  if (verifiers.size >= 10_000) verifiers.delete(verifiers.keys().next().value as string);
  verifiers.set(cacheKey, entry);
  return entry;
}

/**
 * Verifies a DPoP proof for a request to a resource server: signed by the key in its header,
 * `typ` dpop+jwt, the request's method and URL, issued within `maxAgeSeconds` of now, a `jti`,
 * and `ath` = the hash of the access token it accompanies. Replay of the `jti` is the caller's
 * check (it needs a store shared by the processes).
 */
export function verifyDpopProof(
  proof: string,
  request: { method: string; urls: readonly string[]; accessToken: string; now: Date },
  maxAgeSeconds = 60,
): DpopProof {
  if (proof.length > MAX_PROOF_LENGTH) throw new JwsError('malformed', 'the proof is too long');
  const headerPart = proof.slice(0, proof.indexOf('.'));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
  } catch {
    throw new JwsError('malformed', 'the proof header is not JSON');
  }
  const jwk = header?.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new JwsError('malformed', 'the proof carries no public key');
  const { verifier, jkt } = verifierFor(jwk as Record<string, unknown>);
  const { payload } = verifier.verify(proof, { typ: 'dpop+jwt' });
  const nowSeconds = Math.floor(request.now.getTime() / 1000);
  if (typeof payload.iat !== 'number' || Math.abs(nowSeconds - payload.iat) > maxAgeSeconds)
    throw new JwsError('expired', 'the proof is not fresh');
  if (typeof payload.jti !== 'string' || payload.jti.length < 8 || payload.jti.length > 200)
    throw new JwsError('malformed', 'the proof needs a jti');
  if (payload.htm !== request.method) throw new JwsError('audience', 'the proof is for another method');
  if (typeof payload.htu !== 'string' || !request.urls.includes(stripQuery(payload.htu)))
    throw new JwsError('audience', 'the proof is for another URL');
  const ath = createHash('sha256').update(request.accessToken).digest('base64url');
  if (payload.ath !== ath) throw new JwsError('audience', 'the proof is for another access token');
  return { jkt, jti: payload.jti, iat: payload.iat };
}

/** RFC 9449 §4.3: htu is compared without query and fragment. */
export function stripQuery(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
