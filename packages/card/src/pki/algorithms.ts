import { constants, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { id_ecdsaWithSHA256 } from '@peculiar/asn1-ecc';
import { id_mgf1, id_RSASSA_PSS, RsaSaPssParams, sha256 } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';

/** The Document Signer / CSCA algorithms the platform issues with. */
export const cardAlgorithms = ['ecdsa-p256', 'brainpool-p256', 'rsa-pss'] as const;
export type CardAlgorithm = (typeof cardAlgorithms)[number];

export function isCardAlgorithm(value: string): value is CardAlgorithm {
  return (cardAlgorithms as readonly string[]).includes(value);
}

/** What a key signs for: the size of an RSA key depends on it (CSCA keys outlive DS keys). */
export type KeyRole = 'csca' | 'ds';

const rsaBits: Record<KeyRole, number> = { csca: 3072, ds: 2048 };

export function generateCardKeyPair(
  algorithm: CardAlgorithm,
  role: KeyRole,
): { privateKey: KeyObject; publicKey: KeyObject } {
  if (algorithm === 'rsa-pss') return generateKeyPairSync('rsa', { modulusLength: rsaBits[role] });
  // node:crypto (OpenSSL) knows brainpool curves; WebCrypto does not, hence node:crypto throughout.
  return generateKeyPairSync('ec', {
    namedCurve: algorithm === 'ecdsa-p256' ? 'prime256v1' : 'brainpoolP256r1',
  });
}

/** The algorithm a private or public key signs with (RSA keys always sign RSASSA-PSS here). */
export function algorithmOfKey(key: KeyObject): CardAlgorithm {
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'rsa-pss';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') return 'ecdsa-p256';
  if (key.asymmetricKeyType === 'ec' && curve === 'brainpoolP256r1') return 'brainpool-p256';
  throw new Error(`unsupported card key: ${key.asymmetricKeyType} ${curve ?? ''}`);
}

/** RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (ICAO 9303-12 and BSI TR-03116-2). */
const PSS_SALT_LENGTH = 32;

/** The AlgorithmIdentifier of signatures made by `signData` with this algorithm. */
export function signatureAlgorithm(algorithm: CardAlgorithm): AlgorithmIdentifier {
  if (algorithm !== 'rsa-pss') return new AlgorithmIdentifier({ algorithm: id_ecdsaWithSHA256 });
  const params = new RsaSaPssParams({
    hashAlgorithm: new AlgorithmIdentifier(sha256),
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: id_mgf1,
      parameters: AsnConvert.serialize(new AlgorithmIdentifier(sha256)),
    }),
    saltLength: PSS_SALT_LENGTH,
  });
  return new AlgorithmIdentifier({ algorithm: id_RSASSA_PSS, parameters: AsnConvert.serialize(params) });
}

/**
 * The one signing path for certificates, CRLs, SODs and master lists: ECDSA signatures
 * DER-encoded (as X.509 and CMS carry them), RSA as PSS.
 */
export function signData(algorithm: CardAlgorithm, privateKey: KeyObject, data: Uint8Array): Uint8Array {
  if (algorithm === 'rsa-pss')
    return sign('sha256', data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: PSS_SALT_LENGTH,
    });
  return sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
}

/** A public key as the ASN.1 structure certificates embed. */
export function publicKeyInfo(key: KeyObject): SubjectPublicKeyInfo {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return AsnConvert.parse(der, SubjectPublicKeyInfo);
}
