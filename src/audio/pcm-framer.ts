import { invalidAudio } from '../errors.js';
import type { AudioFrame, FrameSource } from './frame.js';

const BYTES_PER_SAMPLE = 2;

/**
 * Rechunks 16-bit mono PCM into frames of exactly `chunkMs`, sample-aligned, whatever the write
 * sizes. Only the flushed tail may be shorter; no frame is ever empty.
 */
export class PcmFramer implements FrameSource {
  private readonly parts: Buffer[] = [];
  private head = 0; // bytes of parts[0] already consumed
  private buffered = 0;
  private emittedBytes = 0;
  /** Byte positions (from the stream's start) where a frame must end, ascending. */
  private readonly cuts: number[] = [];
  readonly frameBytes: number;
  private readonly bytesPerMs: number;

  constructor(
    readonly sampleRate: number,
    readonly chunkMs: number,
  ) {
    this.bytesPerMs = (sampleRate * BYTES_PER_SAMPLE) / 1000;
    this.frameBytes = Math.round((sampleRate * chunkMs) / 1000) * BYTES_PER_SAMPLE;
  }

  get bufferedMs(): number {
    return this.buffered / this.bytesPerMs;
  }

  get positionMs(): number {
    return this.emittedBytes / this.bytesPerMs;
  }

  /** Copies the chunk: a writer may reuse its buffer once the write has called back. */
  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(Buffer.from(chunk));
    this.buffered += chunk.length;
  }

  cut(): number {
    // Whole samples only: a trailing half sample belongs to the next frame.
    const at = this.emittedBytes + this.buffered - (this.buffered % BYTES_PER_SAMPLE);
    if (at > (this.cuts.at(-1) ?? this.emittedBytes)) this.cuts.push(at);
    return at / this.bytesPerMs;
  }

  next(flush: boolean): AudioFrame | undefined {
    let size = this.frameBytes;
    const cut = this.cuts[0];
    if (cut !== undefined) size = Math.min(size, cut - this.emittedBytes);
    if (this.buffered < size) {
      if (!flush || this.buffered === 0) return undefined;
      if (this.buffered % BYTES_PER_SAMPLE !== 0) {
        throw invalidAudio(`The audio ended on half a sample: ${this.buffered} trailing bytes of 16-bit PCM is an odd count`);
      }
      size = this.buffered;
    }
    const frame: AudioFrame = { data: this.take(size), streamMs: this.positionMs, durationMs: size / this.bytesPerMs };
    this.emittedBytes += size;
    if (cut !== undefined && this.emittedBytes >= cut) this.cuts.shift();
    return frame;
  }

  private take(size: number): Buffer {
    const first = this.parts[0]!;
    // The parts are our own copies, so a frame that fits in one may be a view into it.
    const view = first.length - this.head >= size;
    const out = view ? first.subarray(this.head, this.head + size) : Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const part = this.parts[0]!;
      const n = Math.min(part.length - this.head, size - filled);
      if (!view) part.copy(out, filled, this.head, this.head + n);
      filled += n;
      this.head += n;
      if (this.head === part.length) {
        this.parts.shift();
        this.head = 0;
      }
    }
    this.buffered -= size;
    return out;
  }
}
