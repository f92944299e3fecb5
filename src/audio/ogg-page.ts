import { invalidAudio } from '../errors.js';

/**
 * Ogg pages (RFC 3533): parsing with the CRC checked, building, and rewriting the header fields
 * that change when a page is sent again in another session.
 */

/** Fixed part of a page header, before the lacing values. */
export const PAGE_HEADER_BYTES = 27;
/** 27-byte header, 255 lacing values, 255 × 255 body bytes. */
export const MAX_PAGE_BYTES = PAGE_HEADER_BYTES + 255 + 255 * 255;
/** Header type flag: the page continues a packet from the previous page. */
export const FLAG_CONTINUED = 0x01;
/** Header type flag: beginning of stream (the first page). */
export const FLAG_BOS = 0x02;
/** Header type flag: end of stream (the last page). */
export const FLAG_EOS = 0x04;
/** Granule position of a page on which no packet ends. */
export const NO_GRANULE = -1n;

const CAPTURE = Buffer.from('OggS', 'latin1');

/** One parsed page. `body` and `lacing` are views into the buffer it was read from. */
export interface OggPage {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  lacing: Uint8Array;
  body: Buffer;
  /** Total length of the page in bytes. */
  length: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor. */
export function oggCrc(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!) >>> 0;
  return crc;
}

/** The CRC of a page whose checksum field is taken as zero, as the format defines it. */
function pageCrc(buf: Buffer, start: number, length: number): number {
  let crc = 0;
  for (let i = start; i < start + length; i++) {
    const byte = i - start >= 22 && i - start < 26 ? 0 : buf[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

/**
 * Reads the page that starts at `offset`. Returns undefined while the page is incomplete; throws
 * INVALID_AUDIO when the bytes there are not a valid page. `index` is the page's ordinal in the
 * stream, for messages.
 */
export function parsePage(buf: Buffer, offset: number, index: number): OggPage | undefined {
  const available = buf.length - offset;
  const probe = Math.min(4, available);
  if (buf.compare(CAPTURE, 0, probe, offset, offset + probe) !== 0) {
    throw invalidAudio(`Ogg page ${index} does not start with "OggS": the stream is corrupt or not Ogg`);
  }
  if (available < PAGE_HEADER_BYTES) return undefined;
  const version = buf[offset + 4]!;
  if (version !== 0) throw invalidAudio(`Ogg page ${index} has stream structure version ${version}; only version 0 exists`);
  const flags = buf[offset + 5]!;
  if (flags & ~(FLAG_CONTINUED | FLAG_BOS | FLAG_EOS)) {
    throw invalidAudio(`Ogg page ${index} sets unknown header flags (0x${flags.toString(16)}): the stream is corrupt`);
  }
  const segments = buf[offset + 26]!;
  if (available < PAGE_HEADER_BYTES + segments) return undefined;
  const lacing = buf.subarray(offset + PAGE_HEADER_BYTES, offset + PAGE_HEADER_BYTES + segments);
  let bodyBytes = 0;
  for (const value of lacing) bodyBytes += value;
  const length = PAGE_HEADER_BYTES + segments + bodyBytes;
  if (available < length) return undefined;
  const stored = buf.readUInt32LE(offset + 22);
  if (pageCrc(buf, offset, length) !== stored) {
    throw invalidAudio(`Ogg page ${index} fails its CRC check: the stream is corrupt`);
  }
  return {
    flags,
    granule: buf.readBigInt64LE(offset + 6),
    serial: buf.readUInt32LE(offset + 14),
    sequence: buf.readUInt32LE(offset + 18),
    lacing,
    body: buf.subarray(offset + PAGE_HEADER_BYTES + segments, offset + length),
    length,
  };
}

/** The header fields a session rewrites. */
export interface PageFields {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
}

/** Builds one page from its lacing values and body. */
export function buildPage(fields: PageFields, lacing: readonly number[], body: readonly Buffer[]): Buffer {
  if (lacing.length > 255) throw new RangeError('internal: more than 255 lacing values on one page');
  let bodyBytes = 0;
  for (const part of body) bodyBytes += part.length;
  const page = Buffer.allocUnsafe(PAGE_HEADER_BYTES + lacing.length + bodyBytes);
  page.write('OggS', 0, 'latin1');
  page[4] = 0;
  let at = PAGE_HEADER_BYTES;
  for (const value of lacing) page[at++] = value;
  for (const part of body) at += part.copy(page, at);
  page[26] = lacing.length;
  patchPage(page, 0, fields);
  return page;
}

/** Rewrites a page's flags, granule, serial and sequence in place, and its CRC to match. */
export function patchPage(buf: Buffer, offset: number, fields: PageFields): void {
  buf[offset + 5] = fields.flags;
  buf.writeBigInt64LE(fields.granule, offset + 6);
  buf.writeUInt32LE(fields.serial >>> 0, offset + 14);
  buf.writeUInt32LE(fields.sequence >>> 0, offset + 18);
  const length = PAGE_HEADER_BYTES + buf[offset + 26]! + sumLacing(buf, offset);
  buf.writeUInt32LE(pageCrc(buf, offset, length), offset + 22);
}

function sumLacing(buf: Buffer, offset: number): number {
  let sum = 0;
  const segments = buf[offset + 26]!;
  for (let i = 0; i < segments; i++) sum += buf[offset + PAGE_HEADER_BYTES + i]!;
  return sum;
}

/** Lacing values for a packet of `length` bytes: 255s, then a value below 255 (0 if it divides). */
export function lacingFor(length: number): number[] {
  const values = new Array<number>(Math.floor(length / 255) + 1).fill(255);
  values[values.length - 1] = length % 255;
  return values;
}
