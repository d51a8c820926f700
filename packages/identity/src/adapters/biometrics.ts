import { AppError } from '@dinhdanh/kernel';
import { developmentTemplateHash, type Person } from '@dinhdanh/registry';

export interface BiometricResult {
  match: boolean;
}

/** Compares a face capture with the person's portrait on record. A process boundary. */
export interface FaceVerifier {
  verify(person: Person, image: Uint8Array): Promise<BiometricResult>;
}

/** Compares a fingerprint capture with the person's fingerprints on record. A process boundary. */
export interface FingerprintVerifier {
  verify(person: Person, image: Uint8Array): Promise<BiometricResult>;
}

const MIN_IMAGE_BYTES = 128;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export function imageFormat(image: Uint8Array): 'jpeg' | 'png' | undefined {
  if (image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((byte, i) => image[i] === byte)) return 'png';
  return undefined;
}

function assertCapture(image: Uint8Array, what: string): void {
  if (image.length < MIN_IMAGE_BYTES || image.length > MAX_IMAGE_BYTES || !imageFormat(image))
    throw new AppError('ERR_VALIDATION', `the ${what} capture must be a JPEG or PNG image of 128 B to 5 MB`);
}

/**
 * Development only — NOT a biometric matcher. It accepts a capture when it is a real JPEG/PNG
 * of plausible size and the registry holds a face reference for the person: any photo passes,
 * it cannot tell faces apart. The configuration refuses it in production
 * (`DINHDANH_BIOMETRIC_MATCHER=http` there); the server warns at start while it is in use.
 */
export class DevelopmentFaceVerifier implements FaceVerifier {
  async verify(person: Person, image: Uint8Array): Promise<BiometricResult> {
    assertCapture(image, 'face');
    if (!person.biometrics.face?.templateHash)
      throw new AppError('ERR_BIOMETRIC_REFERENCE_MISSING', 'the registry holds no portrait for this person');
    return { match: true };
  }
}

/**
 * Development only — NOT a biometric matcher. It compares the exact bytes of a JPEG/PNG capture
 * with the person's reference through the registry's development template
 * (`developmentTemplateHash`: SHA-256 over the ID number and the file), so only the very file
 * enrolled matches — for the demo population, the demo sample `demoFingerprintImage()`, which
 * `dinhdanh serve --demo` writes out and the officer console offers. It refuses (never enrols)
 * when the registry holds no fingerprints. The configuration refuses it in production
 * (`DINHDANH_BIOMETRIC_MATCHER=http` there); the server warns at start while it is in use.
 */
export class DevelopmentFingerprintVerifier implements FingerprintVerifier {
  async verify(person: Person, image: Uint8Array): Promise<BiometricResult> {
    assertCapture(image, 'fingerprint');
    const reference = person.biometrics.fingerprints?.templateHash;
    if (!reference)
      throw new AppError(
        'ERR_BIOMETRIC_REFERENCE_MISSING',
        'the registry holds no fingerprints for this person; enrol them at a card office first',
      );
    return { match: developmentTemplateHash(person.idNumber, image) === reference };
  }
}

/**
 * POSTs `{modality, templateHash, image}` (image base64) to `<url>/face` or `<url>/fingerprint`;
 * the matcher answers `{match: boolean}`. Only the reference's hash leaves the registry.
 */
async function httpVerify(
  url: string,
  modality: 'face' | 'fingerprint',
  templateHash: string | undefined,
  image: Uint8Array,
): Promise<BiometricResult> {
  if (!templateHash)
    throw new AppError('ERR_BIOMETRIC_REFERENCE_MISSING', `the registry holds no ${modality} reference`);
  assertCapture(image, modality);
  const response = await fetch(`${url.replace(/\/$/, '')}/${modality}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ modality, templateHash, image: Buffer.from(image).toString('base64') }),
    signal: AbortSignal.timeout(15_000),
  }).catch((error: unknown) => {
    throw new AppError('ERR_UNAVAILABLE', 'the biometric matcher is unreachable', undefined, {
      cause: error,
    });
  });
  if (!response.ok)
    throw new AppError('ERR_UNAVAILABLE', `the biometric matcher answered ${response.status}`);
  const body = (await response.json()) as { match?: unknown };
  return { match: body.match === true };
}

export class HttpFaceVerifier implements FaceVerifier {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  verify(person: Person, image: Uint8Array): Promise<BiometricResult> {
    return httpVerify(this.url, 'face', person.biometrics.face?.templateHash, image);
  }
}

export class HttpFingerprintVerifier implements FingerprintVerifier {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  verify(person: Person, image: Uint8Array): Promise<BiometricResult> {
    return httpVerify(this.url, 'fingerprint', person.biometrics.fingerprints?.templateHash, image);
  }
}
