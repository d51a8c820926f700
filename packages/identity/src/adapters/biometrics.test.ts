import { demoFingerprintImage, developmentTemplateHash, type Person } from '@dinhdanh/registry';
import { describe, expect, it } from 'vitest';
import { DevelopmentFaceVerifier, DevelopmentFingerprintVerifier } from './biometrics.ts';

const idNumber = '001090000001';
const sample = demoFingerprintImage();
const person = (biometrics: Person['biometrics']) => ({ idNumber, biometrics }) as Person;
const withPrints = person({
  face: { templateHash: 'f'.repeat(64), imageKey: `portraits/${idNumber}.jpg` },
  fingerprints: { templateHash: developmentTemplateHash(idNumber, sample), enrolledAt: '2024-01-01' },
});
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new Uint8Array(400).fill(7)]);

describe('development biometric adapters (not matchers)', () => {
  it('fingerprint: matches the exact file enrolled, nothing else', async () => {
    const verifier = new DevelopmentFingerprintVerifier();
    expect(await verifier.verify(withPrints, sample)).toEqual({ match: true });
    expect(await verifier.verify(withPrints, jpeg)).toEqual({ match: false });
    const altered = new Uint8Array(sample);
    altered.set([altered.at(-30)! ^ 1], altered.length - 30);
    expect(await verifier.verify(withPrints, altered)).toEqual({ match: false });
    // Another person's reference made from the same sample does not match this person.
    const other = person({
      fingerprints: {
        templateHash: developmentTemplateHash('001090000002', sample),
        enrolledAt: '2024-01-01',
      },
    });
    expect(await verifier.verify(other, sample)).toEqual({ match: false });
  });

  it('fingerprint: refuses without a reference (never enrols) and refuses what is not an image', async () => {
    const verifier = new DevelopmentFingerprintVerifier();
    await expect(verifier.verify(person({}), sample)).rejects.toMatchObject({
      code: 'ERR_BIOMETRIC_REFERENCE_MISSING',
    });
    await expect(verifier.verify(withPrints, new Uint8Array(500))).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
    });
  });

  it('face: any photo passes when a portrait is on record — it cannot tell faces apart', async () => {
    const verifier = new DevelopmentFaceVerifier();
    expect(await verifier.verify(withPrints, jpeg)).toEqual({ match: true });
    expect(await verifier.verify(withPrints, sample)).toEqual({ match: true });
    await expect(verifier.verify(person({}), jpeg)).rejects.toMatchObject({
      code: 'ERR_BIOMETRIC_REFERENCE_MISSING',
    });
  });
});
