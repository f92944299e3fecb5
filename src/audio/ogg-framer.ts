import { invalidAudio } from '../errors.js';
import type { AudioFrame, FrameSource } from './frame.js';

const PAGE_HEADER_BYTES = 27;
/** Opus granule positions count 48 kHz samples whatever the input rate (RFC 7845 §4). */
const GRANULE_PER_MS = 48;

/**
 * Splits an Ogg stream into frames of whole pages. A frame holds pages until they cover at least
 * `chunkMs` of audio, measured from granule positions (Ogg bytes say nothing about duration).
 */
export class OggFramer implements FrameSource {
  private buf: Buffer = Buffer.alloc(0);
  private readonly ready: Buffer[] = [];
  private readyMs = 0;
  private lastGranule = 0n;
  private position = 0;

  constructor(readonly chunkMs: number) {}

  get bufferedMs(): number {
    return this.readyMs;
  }

  get positionMs(): number {
    return this.position;
  }

  append(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const page = this.readPage();
      if (!page) break;
      this.ready.push(page.bytes);
      this.readyMs += page.durationMs;
    }
  }

  next(flush: boolean): AudioFrame | undefined {
    if (this.ready.length === 0) {
      if (flush && this.buf.length > 0) throw invalidAudio(`The Ogg stream ended inside a page (${this.buf.length} trailing bytes)`);
      return undefined;
    }
    if (!flush && this.readyMs < this.chunkMs) return undefined;
    const data = Buffer.concat(this.ready);
    const frame: AudioFrame = { data, streamMs: this.position, durationMs: this.readyMs };
    this.position += this.readyMs;
    this.ready.length = 0;
    this.readyMs = 0;
    return frame;
  }

  private readPage(): { bytes: Buffer; durationMs: number } | undefined {
    const b = this.buf;
    if (b.length < PAGE_HEADER_BYTES) return undefined;
    if (b.toString('latin1', 0, 4) !== 'OggS') throw invalidAudio('Not an Ogg stream: expected a page starting with "OggS"');
    if (b[4] !== 0) throw invalidAudio(`Unsupported Ogg version ${b[4]}`);
    const segments = b[26]!;
    if (b.length < PAGE_HEADER_BYTES + segments) return undefined;
    let bodyBytes = 0;
    for (let i = 0; i < segments; i++) bodyBytes += b[PAGE_HEADER_BYTES + i]!;
    const total = PAGE_HEADER_BYTES + segments + bodyBytes;
    if (b.length < total) return undefined;
    const granule = b.readBigInt64LE(6);
    let durationMs = 0;
    if (granule > this.lastGranule) {
      durationMs = Number(granule - this.lastGranule) / GRANULE_PER_MS;
      this.lastGranule = granule;
    }
    const bytes = Buffer.from(b.subarray(0, total));
    this.buf = b.subarray(total);
    return { bytes, durationMs };
  }
}
