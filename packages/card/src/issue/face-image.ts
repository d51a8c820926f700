import { concatBytes, encodeTlv } from './der.ts';

/**
 * A placeholder portrait: a valid baseline JPEG of a uniform mid-grey `width`×`height` image,
 * built by hand (no image library in the dependency set). The registry holds only references to
 * portraits (`biometrics.face.imageKey`), not the images, so issuance puts this placeholder in
 * DG2 until an object store serves the enrolled photo; callers may pass real JPEG bytes instead.
 *
 * How it is minimal: one component, all quantisation steps 1, and Huffman tables with a single
 * 1-bit code each — DC category 0 and AC end-of-block — so every 8×8 block is the two bits `00`
 * (DC difference 0 from level-shifted 128, i.e. grey 128, then EOB).
 */
export function placeholderJpeg(width = 240, height = 320): Uint8Array {
  const segment = (marker: number, body: number[]) => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const scan = new Uint8Array(Math.ceil(bits / 8));
  // All-zero bits; the last byte is padded with 1-bits as the JPEG standard asks.
  const spare = scan.length * 8 - bits;
  if (spare > 0) scan[scan.length - 1] = (1 << spare) - 1;
  const huffman = (tableClass: number) => [tableClass << 4, 1, ...new Array(15).fill(0), 0x00];
  return Uint8Array.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, [...huffman(0), ...huffman(1)]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff,
    0xd9,
  ]);
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/**
 * An ISO/IEC 19794-5:2005 facial record with one JPEG image: the 14-byte general header
 * (`FAC\0`, version `010\0`, record length, image count), the 20-byte facial information block
 * without feature points, the 12-byte image information (full frontal, JPEG, 24-bit RGB-agnostic
 * values left unspecified) and the image.
 */
export function faceRecord(
  jpeg: Uint8Array,
  input: { sex: 'male' | 'female'; width: number; height: number },
) {
  const blockLength = 20 + 12 + jpeg.length;
  const header = [0x46, 0x41, 0x43, 0x00, 0x30, 0x31, 0x30, 0x00, ...u32(14 + blockLength), ...u16(1)];
  const information = [
    ...u32(blockLength),
    ...u16(0), // feature points
    input.sex === 'male' ? 1 : 2,
    0, // eye colour unspecified
    0, // hair colour unspecified
    0,
    0,
    0, // feature mask
    0,
    0, // expression unspecified
    0,
    0,
    0, // pose angle
    0,
    0,
    0, // pose angle uncertainty
  ];
  const image = [
    1, // face image type: full frontal
    0, // image data type: JPEG
    ...u16(input.width),
    ...u16(input.height),
    0, // colour space unspecified
    0, // source type unspecified
    ...u16(0), // device type
    ...u16(0), // quality
  ];
  return concatBytes([Uint8Array.from([...header, ...information, ...image]), jpeg]);
}

/**
 * DG2 (tag 75): the ICAO 9303-10 biometric information template group
 * `7F61 { 02 instances, 7F60 { A1 header, 5F2E face record } }`.
 * Header: version 1.1, biometric type face (2), format owner ISO/IEC JTC 1 SC 37 (0101),
 * format type face image (0008).
 */
export function encodeDg2(record: Uint8Array): Uint8Array {
  const bht = encodeTlv(0xa1, [
    encodeTlv(0x80, Uint8Array.of(0x01, 0x01)),
    encodeTlv(0x81, Uint8Array.of(0x02)),
    encodeTlv(0x87, Uint8Array.of(0x01, 0x01)),
    encodeTlv(0x88, Uint8Array.of(0x00, 0x08)),
  ]);
  const template = encodeTlv(0x7f60, [bht, encodeTlv(0x5f2e, record)]);
  return encodeTlv(0x75, encodeTlv(0x7f61, [encodeTlv(0x02, Uint8Array.of(1)), template]));
}
