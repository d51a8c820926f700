import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Development stand-ins for biometric templates — NOT biometrics, and no biometric matcher.
 *
 * The registry holds biometric *references* (DOMAIN.md): a template hash and, for the face, an
 * image key — never the images. A real matcher (`DINHDANH_BIOMETRIC_MATCHER=http`) keeps the
 * templates behind those hashes. Without one, development and test runs need references that
 * something can compare, so here a "template" is a SHA-256 over the person's ID number and the
 * exact bytes of a capture: only the identical file matches, and a reference belongs to one
 * person. Identity's `DevelopmentFingerprintVerifier` compares with it; the demo seed enrols
 * `demoFingerprintImage()` for every person of card age, so the demo can reach level 2 at the
 * counter. The configuration refuses the development adapters in production.
 */
export function developmentTemplateHash(idNumber: string, capture: Uint8Array): string {
  return developmentTemplateOf(idNumber, hash('sha256', capture, 'hex'));
}

function developmentTemplateOf(idNumber: string, captureSha256: string): string {
  return hash('sha256', `dinhdanh-development-fingerprint:${idNumber}:${captureSha256}`, 'hex');
}

/** The demo fingerprint's file name, wherever it is written or offered. */
export const DEMO_FINGERPRINT_FILE = 'demo-fingerprint.png';

let demoSample: { image: Uint8Array; sha256: string } | undefined;

function sample() {
  if (!demoSample) {
    const image = drawDemoFingerprint();
    demoSample = { image, sha256: hash('sha256', image, 'hex') };
  }
  return demoSample;
}

/**
 * The demo fingerprint: a synthetic PNG drawn by code (ridges around a core, no one's finger), the
 * same bytes on every machine. `dinhdanh serve --demo` writes it next to the data directory and
 * prints where; the officer console offers it in development. Every seeded person of card age has
 * it enrolled (`demoFingerprintReference`).
 */
export function demoFingerprintImage(): Uint8Array {
  return sample().image;
}

/** The reference the demo seed enrols: the development template of the demo fingerprint. */
export function demoFingerprintTemplateHash(idNumber: string): string {
  return developmentTemplateOf(idNumber, sample().sha256);
}

// ——— the image ———
// Only +, −, ×, ÷ and square roots (exactly rounded in IEEE 754) and integer operations, so the
// pixels — and the hashes enrolled from them — are the same on every platform and Node version.

const WIDTH = 200;
const HEIGHT = 240;

/** Grey level of a pixel: dark ridges in an elliptic pad on white. */
function pixel(x: number, y: number): number {
  const dx = x - 100;
  const dy = y - 128;
  const edge = (dx * dx) / (92 * 92) + (dy * dy) / (112 * 112);
  if (edge >= 1) return 255;
  const r = Math.sqrt(dx * dx + dy * dy * 0.72);
  // A loop: ridges bend around the core and flatten into arches towards the tip and the base.
  const bend = r < 30 ? (dx * dy) / 120 : (dx * dy * 30) / (120 * r);
  const arch = ((dx * dx) / 240) * (dy / 112) * (r / 112);
  const phase = (r + bend + arch) / 8;
  const wave = Math.abs(phase - Math.floor(phase) - 0.5) * 2; // 0 ridge centre … 1 valley
  let noise = (Math.imul(x, 374761393) + Math.imul(y, 668265263)) | 0;
  noise = Math.imul(noise ^ (noise >>> 13), 1274126177);
  const grain = ((noise >>> 24) & 31) - 16;
  const fade = edge > 0.82 ? (edge - 0.82) / 0.18 : 0;
  const ink = wave < 0.45 ? 200 : wave < 0.6 ? 110 : 12;
  const level = 255 - ink * (1 - fade) + grain;
  return Math.max(0, Math.min(255, Math.round(level)));
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** zlib data in stored (uncompressed) blocks: no compressor whose output could change. */
function zlibStored(raw: Uint8Array): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78, 0x01])];
  for (let offset = 0; offset < raw.length || offset === 0; offset += 0xffff) {
    const block = raw.subarray(offset, offset + 0xffff);
    const header = Buffer.alloc(5);
    header[0] = offset + 0xffff >= raw.length ? 1 : 0;
    header.writeUInt16LE(block.length, 1);
    header.writeUInt16LE(~block.length & 0xffff, 3);
    parts.push(header, Buffer.from(block));
  }
  let a = 1;
  let b = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  parts.push(adler);
  return Buffer.concat(parts);
}

function drawDemoFingerprint(): Uint8Array {
  const raw = new Uint8Array(HEIGHT * (WIDTH + 1));
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * (WIDTH + 1); // filter byte 0 (none), then the row's grey levels
    for (let x = 0; x < WIDTH; x++) raw[row + 1 + x] = pixel(x, y);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const note = Buffer.from(
    'Comment\0dinhdanh development sample - synthetic, not a fingerprint; matches only the development adapter',
    'latin1',
  );
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('tEXt', note),
      pngChunk('IDAT', zlibStored(raw)),
      pngChunk('IEND', new Uint8Array(0)),
    ]),
  );
}
