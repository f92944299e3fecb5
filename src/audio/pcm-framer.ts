import { invalidAudio } from '../errors.js';
import { FrameAllocator } from './frame-buffer.js';
import { PlainFrame, type AudioFrame, type FrameSource } from './frame.js';
import { PCM_COPY, type SampleDecoder } from './g711.js';

const BYTES_PER_SAMPLE = 2;

/**
 * Rechunks 16-bit mono PCM into frames of exactly `chunkMs`, sample-aligned, whatever the write
 * sizes. Only the flushed tail, or a frame ended early by `cut()`, may be shorter; no frame is
 * ever empty.
 *
 * Written bytes are copied (or, through `decoder`, expanded from G.711) straight into the frame
 * being filled, cut from the stream's own slabs (see `FrameAllocator`): audio is copied once, a
 * writer may reuse its buffer after the write, and the frame can go on the wire without another
 * copy.
 */
export class PcmFramer implements FrameSource {
  private readonly ready: Buffer[] = [];
  private readyBytes = 0;
  private fill: Buffer | undefined;
  private filled = 0;
  private emittedBytes = 0;
  readonly frameBytes: number;
  private readonly bytesPerMs: number;
  private readonly frames: FrameAllocator;

  constructor(
    readonly sampleRate: number,
    readonly chunkMs: number,
    private readonly decoder: SampleDecoder = PCM_COPY,
  ) {
    this.bytesPerMs = (sampleRate * BYTES_PER_SAMPLE) / 1000;
    this.frameBytes = Math.round((sampleRate * chunkMs) / 1000) * BYTES_PER_SAMPLE;
    this.frames = new FrameAllocator(this.frameBytes);
  }

  get bufferedMs(): number {
    return (this.readyBytes + this.filled) / this.bytesPerMs;
  }

  get positionMs(): number {
    return this.emittedBytes / this.bytesPerMs;
  }

  append(chunk: Buffer): void {
    const { expansion } = this.decoder;
    let at = 0;
    while (at < chunk.length) {
      this.fill ??= this.frames.alloc();
      const take = Math.min(chunk.length - at, (this.frameBytes - this.filled) / expansion);
      this.decoder.decode(chunk, at, at + take, this.fill, this.filled);
      at += take;
      this.filled += take * expansion;
      if (this.filled === this.frameBytes) this.seal(this.frameBytes);
    }
  }

  cut(): number {
    // Whole samples only: a trailing half sample belongs to the next frame.
    const whole = this.filled - (this.filled % BYTES_PER_SAMPLE);
    if (whole > 0) {
      const half = this.filled - whole;
      const odd = half ? this.fill![whole]! : 0;
      this.seal(whole);
      if (half) {
        this.fill = this.frames.alloc();
        this.fill[0] = odd;
        this.filled = 1;
      }
    }
    return (this.emittedBytes + this.readyBytes) / this.bytesPerMs;
  }

  next(flush: boolean): AudioFrame | undefined {
    let data = this.ready.shift();
    if (data) {
      this.readyBytes -= data.length;
    } else {
      if (!flush || this.filled === 0) return undefined;
      if (this.filled % BYTES_PER_SAMPLE !== 0) {
        throw invalidAudio(`The audio ended on half a sample: ${this.filled} trailing bytes of 16-bit PCM is an odd count`);
      }
      data = this.fill!.subarray(0, this.filled);
      this.fill = undefined;
      this.filled = 0;
    }
    const frame = new PlainFrame(data, this.positionMs, data.length / this.bytesPerMs);
    this.emittedBytes += data.length;
    return frame;
  }

  /** The frame being filled is done at `bytes` (all of it, or the whole samples before a cut). */
  private seal(bytes: number): void {
    const frame = bytes === this.frameBytes ? this.fill! : this.fill!.subarray(0, bytes);
    this.ready.push(frame);
    this.readyBytes += bytes;
    this.fill = undefined;
    this.filled = 0;
  }
}
