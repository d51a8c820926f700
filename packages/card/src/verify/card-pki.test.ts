import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  sign,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dgTags } from '../lds/lds-common.ts';
import { children, decodeSingle, encodeInt, encodeOid, encodeTlv } from '../tlv/index.ts';
import { parseCertificate } from '../trust/certificate.ts';
import { addCrl, addTrustAnchor, createTrustStore } from '../trust/trust-store.ts';
import { explicitCurves } from './curves.ts';
import { verifyCard } from './passive-auth.ts';

// A miniature card PKI built with the TLV encoder and node:crypto (brainpool included, which
// WebCrypto-based generators cannot sign with), to reach the failures the reference sets cannot.

type Alg = 'rsa-pss' | 'rsa' | 'p256' | 'brainpool';
const seq = (...parts: Uint8Array[]) => encodeTlv(0x30, parts);
const set = (...parts: Uint8Array[]) => encodeTlv(0x31, parts);
const octets = (bytes: Uint8Array) => encodeTlv(0x04, bytes);
const time = (date: Date) =>
  encodeTlv(0x17, new TextEncoder().encode(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const name = (cn: string) =>
  seq(
    set(seq(encodeOid('2.5.4.6'), encodeTlv(0x13, new TextEncoder().encode('VN')))),
    set(seq(encodeOid('2.5.4.3'), encodeTlv(0x0c, new TextEncoder().encode(cn)))),
  );
const sha256Id = seq(encodeOid('2.16.840.1.101.3.4.2.1'));

function keys(alg: Alg) {
  if (alg === 'rsa' || alg === 'rsa-pss') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  return generateKeyPairSync('ec', { namedCurve: alg === 'p256' ? 'prime256v1' : 'brainpoolP256r1' });
}
function algId(alg: Alg): Uint8Array {
  if (alg === 'rsa-pss') {
    return seq(
      encodeOid('1.2.840.113549.1.1.10'),
      seq(
        encodeTlv(0xa0, sha256Id),
        encodeTlv(0xa1, seq(encodeOid('1.2.840.113549.1.1.8'), sha256Id)),
        encodeTlv(0xa2, encodeInt(32)),
      ),
    );
  }
  if (alg === 'rsa') return seq(encodeOid('1.2.840.113549.1.1.11'), Uint8Array.of(5, 0));
  return seq(encodeOid('1.2.840.10045.4.3.2'));
}
function signWith(alg: Alg, key: KeyObject, data: Uint8Array): Uint8Array {
  if (alg === 'rsa-pss')
    return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return sign('sha256', data, key);
}
const spkiOf = (key: KeyObject) => new Uint8Array(key.export({ format: 'der', type: 'spki' }));

/** Replaces a P-256 key's named-curve OID with the explicit domain parameters (as many passports do). */
function explicitSpki(key: KeyObject): Uint8Array {
  const [, bitString] = children(decodeSingle(spkiOf(key)).value);
  const params = Uint8Array.from(Buffer.from(explicitCurves[0]?.params as string, 'hex'));
  return seq(seq(encodeOid('1.2.840.10045.2.1'), params), bitString?.raw as Uint8Array);
}

function certificate(o: {
  serial: number;
  issuer: string;
  subject: string;
  spki: Uint8Array;
  from: Date;
  to: Date;
  ca: boolean;
  alg: Alg;
  key: KeyObject;
}): Uint8Array {
  const ext = o.ca
    ? [
        encodeTlv(
          0xa3,
          seq(
            seq(
              encodeOid('2.5.29.19'),
              encodeTlv(0x01, Uint8Array.of(0xff)),
              octets(seq(encodeTlv(0x01, Uint8Array.of(0xff)))),
            ),
          ),
        ),
      ]
    : [];
  const tbs = seq(
    encodeTlv(0xa0, encodeInt(2)),
    encodeInt(o.serial),
    algId(o.alg),
    name(o.issuer),
    seq(time(o.from), time(o.to)),
    name(o.subject),
    o.spki,
    ...ext,
  );
  return seq(tbs, algId(o.alg), encodeTlv(0x03, [Uint8Array.of(0), signWith(o.alg, o.key, tbs)]));
}

const year = 365 * 24 * 3600 * 1000;
const now = new Date('2026-06-01T00:00:00Z');

function makeCard(o: { alg: Alg; cscaTo?: Date; explicit?: boolean; aa?: 'rsa' | 'ec' }) {
  const csca = keys(o.alg);
  const ds = keys(o.alg);
  const cscaDer = certificate({
    serial: 1,
    issuer: 'CSCA VN test',
    subject: 'CSCA VN test',
    spki: spkiOf(csca.publicKey),
    from: new Date(now.getTime() - 5 * year),
    to: o.cscaTo ?? new Date(now.getTime() + 10 * year),
    ca: true,
    alg: o.alg,
    key: csca.privateKey,
  });
  const dsSpki = o.explicit ? explicitSpki(ds.publicKey) : spkiOf(ds.publicKey);
  const dsDer = certificate({
    serial: 0x4242,
    issuer: 'CSCA VN test',
    subject: 'DS VN test',
    spki: dsSpki,
    from: new Date(now.getTime() - year),
    to: new Date(now.getTime() + 2 * year),
    ca: false,
    alg: o.alg,
    key: csca.privateKey,
  });
  const aaKey =
    o.aa === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 1024 })
      : o.aa === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : undefined;
  const dgs = new Map<number, Uint8Array>([
    [
      1,
      encodeTlv(
        dgTags[1] as number,
        encodeTlv(
          0x5f1f,
          new TextEncoder().encode(
            'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10',
          ),
        ),
      ),
    ],
    [2, encodeTlv(dgTags[2] as number, new Uint8Array(64))],
  ]);
  if (aaKey) dgs.set(15, encodeTlv(0x6f, spkiOf(aaKey.publicKey)));
  const lso = seq(
    encodeInt(0),
    sha256Id,
    seq(
      ...[...dgs].map(([dg, bytes]) =>
        seq(encodeInt(dg), octets(createHash('sha256').update(bytes).digest())),
      ),
    ),
  );
  const attrs = [
    seq(encodeOid('1.2.840.113549.1.9.3'), set(encodeOid('2.23.136.1.1.1'))),
    seq(encodeOid('1.2.840.113549.1.9.4'), set(octets(createHash('sha256').update(lso).digest()))),
  ];
  const signature = signWith(o.alg, ds.privateKey, set(...attrs));
  const signerInfo = seq(
    encodeInt(1),
    seq(name('CSCA VN test'), encodeInt(0x4242)),
    sha256Id,
    encodeTlv(0xa0, attrs),
    algId(o.alg),
    octets(signature),
  );
  const signedData = seq(
    encodeInt(3),
    set(sha256Id),
    seq(encodeOid('2.23.136.1.1.1'), encodeTlv(0xa0, octets(lso))),
    encodeTlv(0xa0, dsDer),
    set(signerInfo),
  );
  const sod = encodeTlv(0x77, seq(encodeOid('1.2.840.113549.1.7.2'), encodeTlv(0xa0, signedData)));
  const trust = createTrustStore();
  addTrustAnchor(trust, parseCertificate(cscaDer));
  const crl = (serials: number[]) => {
    const tbsList = seq(
      encodeInt(1),
      algId(o.alg),
      name('CSCA VN test'),
      time(new Date(now.getTime() - 1000)),
      ...(serials.length
        ? [seq(...serials.map((s) => seq(encodeInt(s), time(new Date(now.getTime() - year / 2)))))]
        : []),
    );
    return seq(
      tbsList,
      algId(o.alg),
      encodeTlv(0x03, [Uint8Array.of(0), signWith(o.alg, csca.privateKey, tbsList)]),
    );
  };
  return { files: { sod, dataGroups: dgs }, trust, crl, aaKey };
}

describe('passive authentication with a generated CSCA → DS chain', () => {
  for (const alg of ['rsa-pss', 'rsa', 'p256', 'brainpool'] as const) {
    it(`verifies a ${alg} card chained to its CSCA`, () => {
      const card = makeCard({ alg });
      const result = verifyCard(card.files, { trust: card.trust, at: now });
      expect(result.failures).toEqual([]);
      expect(result.chain).toMatchObject({ status: 'passed', anchorIsSigner: false });
    });
  }

  it('verifies a DS whose EC key has explicit domain parameters', () => {
    const card = makeCard({ alg: 'p256', explicit: true });
    expect(verifyCard(card.files, { trust: card.trust, at: now }).failures).toEqual([]);
  });

  it('a revoked DS fails with signer_revoked; an empty CRL passes', () => {
    const card = makeCard({ alg: 'p256' });
    addCrl(card.trust, card.crl([0x1111]));
    expect(verifyCard(card.files, { trust: card.trust, at: now })).toMatchObject({
      valid: true,
      revocation: { status: 'passed' },
    });
    addCrl(card.trust, card.crl([0x4242]));
    expect(verifyCard(card.files, { trust: card.trust, at: now }).failures).toEqual(['signer_revoked']);
  });

  it('an expired CSCA fails with csca_expired', () => {
    const card = makeCard({ alg: 'p256', cscaTo: new Date(now.getTime() - 1000) });
    expect(verifyCard(card.files, { trust: card.trust, at: now }).failures).toEqual(['csca_expired']);
  });

  it('Active Authentication: ECDSA r‖s and RSA ISO 9796-2 scheme 1; wrong nonce fails', () => {
    const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const ec = makeCard({ alg: 'p256', aa: 'ec' });
    const ecSig = sign('sha256', nonce, {
      key: ec.aaKey?.privateKey as KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
    expect(
      verifyCard(ec.files, { trust: ec.trust, at: now, activeAuthentication: { nonce, signature: ecSig } })
        .activeAuthentication.status,
    ).toBe('passed');
    const replay = verifyCard(ec.files, {
      trust: ec.trust,
      at: now,
      activeAuthentication: { nonce: Uint8Array.of(9), signature: ecSig },
    });
    expect(replay.failures).toEqual(['aa_signature_invalid']);

    const rsa = makeCard({ alg: 'rsa', aa: 'rsa' });
    const k = 128;
    const m1 = new Uint8Array(k - 2 - 20).fill(0x5a);
    const d = createHash('sha1').update(m1).update(nonce).digest();
    const f = Buffer.concat([Uint8Array.of(0x6a), m1, d, Uint8Array.of(0xbc)]);
    const rsaSig = privateEncrypt(
      { key: rsa.aaKey?.privateKey as KeyObject, padding: constants.RSA_NO_PADDING },
      f,
    );
    expect(
      verifyCard(rsa.files, { trust: rsa.trust, at: now, activeAuthentication: { nonce, signature: rsaSig } })
        .failures,
    ).toEqual([]);
    const bad = verifyCard(rsa.files, {
      trust: rsa.trust,
      at: now,
      activeAuthentication: { nonce: Uint8Array.of(0), signature: rsaSig },
    });
    expect(bad.failures).toEqual(['aa_signature_invalid']);
  });
});
