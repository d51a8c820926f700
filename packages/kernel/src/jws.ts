import { constants, createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';

/**
 * Compact JWS (RFC 7515) signing and verification straight on node:crypto with cached key
 * objects. `jose` goes through async WebCrypto and reaches about a third of the raw rate; the
 * platform's own tokens (officer tokens, logout and QR tokens, credentials) are on hot paths,
 * so they use these. Only the algorithms FAPI 2.0 and our own HMAC tokens need are offered, and
 * a verifier is bound to one algorithm per key: the token's header never chooses it.
 */
export type JwsAlgorithm = 'ES256' | 'PS256' | 'EdDSA' | 'HS256';

export type JwsFailure =
  | 'malformed'
  | 'algorithm'
  | 'unknown_key'
  | 'signature'
  | 'type'
  | 'expired'
  | 'not_yet_valid'
  | 'issuer'
  | 'audience';

export class JwsError extends Error {
  readonly reason: JwsFailure;
  constructor(reason: JwsFailure, message?: string) {
    super(message ?? `JWS rejected: ${reason}`);
    this.name = 'JwsError';
    this.reason = reason;
  }
}

/** A key with the one algorithm it may be used with. HS256 takes the raw secret (≥ 32 bytes). */
export interface JwsKey {
  alg: JwsAlgorithm;
  key: KeyObject | Uint8Array;
  kid?: string;
}

export interface JwsHeader {
  alg: JwsAlgorithm;
  typ?: string;
  kid?: string;
  [name: string]: unknown;
}

export type JwtPayload = Record<string, unknown> & {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
};

const rawSign: Record<JwsAlgorithm, (data: Buffer, key: KeyObject | Uint8Array) => Buffer> = {
  ES256: (data, key) => sign('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }),
  PS256: (data, key) =>
    sign('sha256', data, {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    }),
  EdDSA: (data, key) => sign(null, data, key as KeyObject),
  HS256: (data, key) =>
    createHmac('sha256', key as Uint8Array)
      .update(data)
      .digest(),
};

const rawVerify: Record<
  JwsAlgorithm,
  (data: Buffer, key: KeyObject | Uint8Array, signature: Buffer) => boolean
> = {
  ES256: (data, key, signature) =>
    signature.length === 64 &&
    verify('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }, signature),
  PS256: (data, key, signature) =>
    verify(
      'sha256',
      data,
      { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      signature,
    ),
  EdDSA: (data, key, signature) => signature.length === 64 && verify(null, data, key as KeyObject, signature),
  HS256: (data, key, signature) => {
    const expected = createHmac('sha256', key as Uint8Array)
      .update(data)
      .digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  },
};

/** Refuses a key that does not fit its algorithm, so a misconfiguration fails at start-up. */
function checkKey({ alg, key }: JwsKey, use: 'sign' | 'verify'): void {
  if (alg === 'HS256') {
    if (!(key instanceof Uint8Array) || key.length < 32)
      throw new TypeError('HS256 needs a secret of ≥ 32 bytes');
    return;
  }
  if (key instanceof Uint8Array) throw new TypeError(`${alg} needs a KeyObject`);
  if (use === 'sign' && key.type !== 'private') throw new TypeError(`${alg} signing needs a private key`);
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  const fits =
    (alg === 'ES256' && type === 'ec' && details?.namedCurve === 'prime256v1') ||
    (alg === 'PS256' && (type === 'rsa' || type === 'rsa-pss') && (details?.modulusLength ?? 0) >= 2048) ||
    (alg === 'EdDSA' && type === 'ed25519');
  if (!fits) throw new TypeError(`the key does not fit ${alg}`);
}

const encodeJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface JwsSigner {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
  /** Signs `payload` as a compact JWS; the header is built once per signer (plus `extraHeader`). */
  sign(payload: JwtPayload, extraHeader?: Record<string, unknown>): string;
}

export function jwsSigner(key: JwsKey, options: { typ?: string } = {}): JwsSigner {
  checkKey(key, 'sign');
  const baseHeader: JwsHeader = {
    alg: key.alg,
    ...(options.typ ? { typ: options.typ } : {}),
    ...(key.kid ? { kid: key.kid } : {}),
  };
  const encodedHeader = encodeJson(baseHeader);
  const signRaw = rawSign[key.alg];
  return {
    alg: key.alg,
    kid: key.kid,
    sign(payload, extraHeader) {
      const header = extraHeader ? encodeJson({ ...baseHeader, ...extraHeader }) : encodedHeader;
      const input = `${header}.${encodeJson(payload)}`;
      // The signing input is base64url, pure ASCII: latin1 is the cheapest exact conversion.
      return `${input}.${signRaw(Buffer.from(input, 'latin1'), key.key).toString('base64url')}`;
    },
  };
}

export interface JwsVerifyOptions {
  now?: Date;
  /** Seconds of clock skew tolerated on exp/nbf. */
  clockTolerance?: number;
  issuer?: string;
  /** The token's `aud` must be or contain this. */
  audience?: string;
  typ?: string;
  /** Refuse tokens without `exp`. */
  requireExpiry?: boolean;
}

export interface VerifiedJws {
  header: JwsHeader;
  payload: JwtPayload;
}

const base64url = /^[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16_384;

function parseJsonPart(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwsError('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsError('malformed');
  return value as Record<string, unknown>;
}

// Tokens from one issuer repeat the same few headers; parsing each once saves a JSON.parse per token.
const headerCache = new Map<string, JwsHeader>();
function parsedHeader(part: string): JwsHeader {
  const cached = headerCache.get(part);
  if (cached) return cached;
  const header = Object.freeze(parseJsonPart(part)) as JwsHeader;
  if (part.length <= 512) {
    if (headerCache.size >= 64) headerCache.delete(headerCache.keys().next().value as string);
    headerCache.set(part, header);
  }
  return header;
}

export interface JwsVerifier {
  verify(token: string, options?: JwsVerifyOptions): VerifiedJws;
}

/**
 * A verifier over a set of keys (current and retired). With one key the `kid` is optional;
 * with several it selects the key. The algorithm comes from the key, never from the token.
 */
export function jwsVerifier(keys: readonly JwsKey[]): JwsVerifier {
  if (keys.length === 0) throw new TypeError('a verifier needs at least one key');
  for (const key of keys) checkKey(key, 'verify');
  const byKid = new Map(keys.filter((k) => k.kid).map((k) => [k.kid as string, k]));
  const only = keys.length === 1 ? keys[0] : undefined;
  return {
    verify(token, options = {}) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new JwsError('malformed');
      const first = token.indexOf('.');
      const second = token.indexOf('.', first + 1);
      if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1)
        throw new JwsError('malformed');
      const [h, p, s] = [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)];
      // Header and payload are covered by the signature; the signature itself is not, and
      // base64 decoding skips stray characters, so only it needs the strict alphabet check.
      if (!base64url.test(s)) throw new JwsError('malformed');
      const header = parsedHeader(h);
      if (header.crit !== undefined) throw new JwsError('malformed', 'crit headers are not supported');
      const key = typeof header.kid === 'string' ? (byKid.get(header.kid) ?? only) : only;
      if (!key || (typeof header.kid === 'string' && key.kid !== undefined && key.kid !== header.kid))
        throw new JwsError('unknown_key');
      if (header.alg !== key.alg) throw new JwsError('algorithm');
      if (
        !rawVerify[key.alg](
          Buffer.from(token.slice(0, second), 'latin1'),
          key.key,
          Buffer.from(s, 'base64url'),
        )
      )
        throw new JwsError('signature');
      if (options.typ !== undefined && header.typ !== options.typ) throw new JwsError('type');
      const payload = parseJsonPart(p) as JwtPayload;
      checkClaims(payload, options);
      return { header, payload };
    },
  };
}

function checkClaims(payload: JwtPayload, options: JwsVerifyOptions): void {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.clockTolerance ?? 0;
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number') throw new JwsError('malformed');
    if (now - tolerance >= payload.exp) throw new JwsError('expired');
  } else if (options.requireExpiry) throw new JwsError('expired', 'the token has no expiry');
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') throw new JwsError('malformed');
    if (now + tolerance < payload.nbf) throw new JwsError('not_yet_valid');
  }
  if (options.issuer !== undefined && payload.iss !== options.issuer) throw new JwsError('issuer');
  if (options.audience !== undefined) {
    const aud = payload.aud;
    const ok = Array.isArray(aud) ? aud.includes(options.audience) : aud === options.audience;
    if (!ok) throw new JwsError('audience');
  }
}
