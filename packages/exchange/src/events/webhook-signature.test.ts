import { randomBytes } from 'node:crypto';
import { StaticKeyStore } from '@dinhdanh/kernel';
import { describe, expect, it } from 'vitest';
import { checkWebhookSignature, type ReceivedWebhook } from './testing/webhook-receiver.ts';
import {
  contentDigest,
  ed25519Thumbprint,
  signHttpMessage,
  WEBHOOK_KEY_NAME,
  webhookJwks,
  webhookSigner,
} from './webhook-signature.ts';

// RFC 9421 Appendix B.1.4: the seed of test-key-ed25519.
const RFC_SEED = Buffer.from('9f8362f87a484a954e6e740c5b4c0e84229139a20aa8ab56ff66586f6a7d29c5', 'hex');

describe('RFC 9421 webhook signatures', () => {
  it('reproduces the RFC 9421 B.2.6 Ed25519 example byte for byte', async () => {
    const store = new StaticKeyStore({}, { rfc: [RFC_SEED] });
    const key = await store.signingKey('rfc');
    const signed = await signHttpMessage(
      {
        method: 'POST',
        url: 'https://example.com/foo?param=Value&Pet=dog',
        headers: {
          date: 'Tue, 20 Apr 2021 02:07:55 GMT',
          'content-type': 'application/json',
          'content-length': '18',
        },
      },
      { keyId: 'test-key-ed25519', alg: 'ed25519', sign: (data) => key.sign(data) },
      {
        components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
        created: new Date(1618884473 * 1000),
        params: ['created', 'keyid'],
        label: 'sig-b26',
      },
    );
    expect(signed.headers['signature-input']).toBe(
      'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
    );
    expect(signed.headers.signature).toBe(
      'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
    );
  });

  it('names keys by their RFC 7638 thumbprint (RFC 8037 A.3 vector)', () => {
    const x = Buffer.from('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', 'base64url');
    expect(ed25519Thumbprint(x)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('computes Content-Digest per RFC 9530 (sha-256 of the exact body)', () => {
    // RFC 9530's example body, {"hello": "world"} and a newline (digest checked with openssl).
    expect(contentDigest('{"hello": "world"}\n')).toBe(
      'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:',
    );
  });

  it('signs a webhook that an independent verifier accepts, and refuses every tampering', async () => {
    const store = new StaticKeyStore({}, { [WEBHOOK_KEY_NAME]: [randomBytes(32)] });
    const signer = await webhookSigner(store);
    const jwks = await webhookJwks(store);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]?.kid).toBe(signer.keyId);
    const created = new Date('2026-11-23T03:00:00Z');
    const url = 'http://127.0.0.1:4000/events?tenant=bhxh';
    const body = JSON.stringify({ id: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'person.died' });
    const headers = await signer.headers(url, body, '0f8fad5b-d9cb-469f-a165-70867728950e', created);
    expect(headers['signature-input']).toBe(
      `sig=("@method" "@target-uri" "content-digest" "content-type" "idempotency-key");created=${created.getTime() / 1000};keyid="${signer.keyId}";alg="ed25519";tag="dinhdanh-event"`,
    );
    const request: ReceivedWebhook = { method: 'POST', targetUri: url, headers, body };
    const check = (changed: Partial<ReceivedWebhook>) =>
      checkWebhookSignature({ ...request, ...changed }, jwks, { now: created });
    expect(check({})).toBeUndefined();
    expect(check({ body: body.replace('died', 'born') })).toBe('digest mismatch');
    expect(check({ headers: { ...headers, 'idempotency-key': 'another' } })).toBe('bad signature');
    expect(check({ targetUri: 'http://127.0.0.1:4000/other' })).toBe('bad signature');
    expect(check({ method: 'PUT' })).toBe('bad signature');
    expect(checkWebhookSignature(request, jwks, { now: new Date(created.getTime() + 3_600_000) })).toBe(
      'too old',
    );
    const stranger = await webhookJwks(new StaticKeyStore({}, { [WEBHOOK_KEY_NAME]: [randomBytes(32)] }));
    expect(checkWebhookSignature(request, stranger, { now: created })).toBe('unknown keyid');
  });

  it('keeps publishing retired keys after a rotation, newest first', async () => {
    const store = new StaticKeyStore({}, { [WEBHOOK_KEY_NAME]: [randomBytes(32)] });
    const before = await webhookSigner(store);
    await store.rotateSigningKey(WEBHOOK_KEY_NAME);
    const after = await webhookSigner(store);
    const jwks = await webhookJwks(store);
    expect(jwks.keys.map((key) => key.kid)).toEqual([after.keyId, before.keyId]);
    expect(after.keyId).not.toBe(before.keyId);
  });
});
