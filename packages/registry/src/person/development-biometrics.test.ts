import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  demoFingerprintImage,
  demoFingerprintTemplateHash,
  developmentTemplateHash,
} from './development-biometrics.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The PNG's chunks as [type, data]. */
function chunks(png: Uint8Array): Array<[string, Buffer]> {
  const bytes = Buffer.from(png);
  const found: Array<[string, Buffer]> = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    found.push([bytes.toString('latin1', at + 4, at + 8), bytes.subarray(at + 8, at + 8 + length)]);
    at += 12 + length;
  }
  return found;
}

describe('development biometrics (stand-ins, not biometrics)', () => {
  it('draws the same demo fingerprint on every machine: the seeded references depend on its bytes', () => {
    // Changing the drawing changes every demo reference: databases seeded before would stop
    // matching the sample. If this fails, the image changed; keep it or re-seed on purpose.
    expect(sha256(demoFingerprintImage())).toBe(
      '7e0fc460635c93cfa71cfd7ba14296682a4c64f8d4bad0bb5dd741ded49c24ac',
    );
  });

  it('is a valid greyscale PNG a browser and a matcher can read, with ridges', () => {
    const png = demoFingerprintImage();
    expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    const parts = chunks(png);
    expect(parts.map(([type]) => type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    const header = parts[0]![1];
    const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
    expect([width, height, header[8], header[9]]).toEqual([200, 240, 8, 0]);
    const raw = inflateSync(parts[2]![1]);
    expect(raw.length).toBe(height * (width + 1));
    const dark = [...raw].filter((value, i) => i % (width + 1) !== 0 && value < 100).length;
    expect(dark / (width * height)).toBeGreaterThan(0.2);
    expect(png.length).toBeLessThan(5 * 1024 * 1024);
  });

  it('ties a reference to one person and the exact capture', () => {
    const image = demoFingerprintImage();
    const reference = demoFingerprintTemplateHash('001090000001');
    expect(reference).toMatch(/^[0-9a-f]{64}$/);
    expect(developmentTemplateHash('001090000001', image)).toBe(reference);
    expect(developmentTemplateHash('001090000002', image)).not.toBe(reference);
    const other = Buffer.from(image);
    other.set([other.at(-20)! ^ 1], other.length - 20);
    expect(developmentTemplateHash('001090000001', other)).not.toBe(reference);
  });
});
