import { createHash } from 'node:crypto';
import { AppError, type Ed25519PublicKey, type KeyStore } from '@dinhdanh/kernel';
import { httpbis } from 'http-message-signatures';

/** The key store's name of the webhook signing key (Ed25519, rotated like the other signing keys). */
export const WEBHOOK_KEY_NAME = 'exchange-webhook';

/** What every webhook signature covers (RFC 9421 §2): the request line, the body's digest and the idempotency key. */
export const webhookComponents = [
  '@method',
  '@target-uri',
  'content-digest',
  'content-type',
  'idempotency-key',
] as const;

/** RFC 9421 `tag`: tells a receiver which application profile the signature follows. */
export const WEBHOOK_SIGNATURE_TAG = 'dinhdanh-event';

/** RFC 9530 Content-Digest with SHA-256: `sha-256=:<base64>:`. */
export function contentDigest(body: string | Uint8Array): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
}

/** RFC 7638 thumbprint of an Ed25519 key: the receiver can recompute the `keyid` from the JWK. */
export function ed25519Thumbprint(publicKey: Uint8Array): string {
  const x = Buffer.from(publicKey).toString('base64url');
  // Members in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

export function ed25519Jwk(publicKey: Uint8Array): Ed25519Jwk {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: Buffer.from(publicKey).toString('base64url'),
    kid: ed25519Thumbprint(publicKey),
    use: 'sig',
  };
}

/** Every version's public key (retired ones stay, so a delivery signed before a rotation still verifies). */
export async function webhookJwks(keys: KeyStore): Promise<{ keys: Ed25519Jwk[] }> {
  let versions: Ed25519PublicKey[] = await keys.publicKeys(WEBHOOK_KEY_NAME);
  // The first request may come before any delivery created the key (outside production, where
  // the store creates it; production provisions it with `dinhdanh keys init`).
  if (versions.length === 0) {
    await keys.signingKey(WEBHOOK_KEY_NAME).catch((error: unknown) => {
      throw new AppError('ERR_UNAVAILABLE', 'the webhook signing key is not provisioned', undefined, {
        cause: error,
      });
    });
    versions = await keys.publicKeys(WEBHOOK_KEY_NAME);
  }
  return { keys: [...versions].reverse().map((version) => ed25519Jwk(version.publicKey)) };
}

/** A key that signs a signature base; `alg` is the RFC 9421 algorithm name. */
export interface MessageSigningKey {
  keyId: string;
  alg: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export interface SignedMessage {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/**
 * Adds `Signature-Input` and `Signature` (RFC 9421) covering `components`, with the parameters
 * in `params` order (`created`, `keyid`, `alg`, `tag`, … as the profile wants).
 */
export async function signHttpMessage(
  message: SignedMessage,
  key: MessageSigningKey,
  options: {
    components: readonly string[];
    created: Date;
    params: readonly ('created' | 'keyid' | 'alg' | 'tag' | 'expires')[];
    label?: string;
    tag?: string;
    expires?: Date;
  },
): Promise<SignedMessage> {
  const signed = await httpbis.signMessage(
    {
      key: {
        id: key.keyId,
        alg: key.alg,
        sign: async (data) => Buffer.from(await key.sign(data)),
      },
      name: options.label ?? 'sig',
      fields: [...options.components],
      params: [...options.params],
      paramValues: {
        created: options.created,
        ...(options.tag ? { tag: options.tag } : {}),
        ...(options.expires ? { expires: options.expires } : {}),
      },
    },
    { method: message.method, url: message.url, headers: { ...message.headers } },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers))
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return { ...message, headers };
}

export interface WebhookSigner {
  keyId: string;
  /** The headers of a signed webhook POST of `body` to `url` (body sent as is). */
  headers(url: string, body: string, idempotencyKey: string, created: Date): Promise<Record<string, string>>;
}

/** The webhook signer over the key store's current `exchange-webhook` key (created on first use outside production). */
export async function webhookSigner(keys: KeyStore): Promise<WebhookSigner> {
  const current = await keys.signingKey(WEBHOOK_KEY_NAME);
  const key: MessageSigningKey = {
    keyId: ed25519Thumbprint(current.publicKey),
    alg: 'ed25519',
    sign: (data) => current.sign(data),
  };
  return {
    keyId: key.keyId,
    async headers(url, body, idempotencyKey, created) {
      const message = await signHttpMessage(
        {
          method: 'POST',
          url,
          headers: {
            'content-type': 'application/json',
            'content-digest': contentDigest(body),
            'idempotency-key': idempotencyKey,
          },
        },
        key,
        {
          components: webhookComponents,
          created,
          params: ['created', 'keyid', 'alg', 'tag'],
          tag: WEBHOOK_SIGNATURE_TAG,
        },
      );
      return message.headers;
    },
  };
}
