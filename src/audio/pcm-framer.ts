import { invalidAudio } from '../errors.js';
import { FrameAllocator } from './frame-buffer.js';
import { PlainFrame, type AudioFrame, type FrameSource } from './frame.js';
import { PCM_COPY, type SampleDecoder } from './g711.js';

const BYTES_PER_SAMPLE = 2;
/** Consumed chunk slots are compacted away once this many pile up at the front of the queue. */
const COMPACT_AT = 64;

/**
 * Rechunks 16-bit mono PCM into frames of exactly `chunkMs`, sample-aligned, whatever the write
 * sizes. Only the flushed tail, or a frame ended early by `cut()`, may be shorter; no frame is
 * ever empty.
 *
 * Nothing is done at write time: a write is queued as it is, and each frame is cut when it is
 * asked for (when it comes due at the pace), so audio written far ahead (a whole file, one 200 MB
 * write) costs nothing until it is sent. A frame that lies inside one written PCM buffer is a view
 * of it, not a copy; by Node's convention for writable streams (fs.WriteStream and sockets do not
 * copy either) the writer must not modify a buffer after writing it. Only a frame that straddles
 * two writes, or G.711 expanded to PCM, is built in the stream's own slabs (see `FrameAllocator`).
 */
export class PcmFramer implements FrameSource {
  /** Written chunks not yet fully framed, oldest first, from `head`; `offset` input bytes of the first are framed. */
  private chunks: Buffer[] = [];
  private head = 0;
  private offset = 0;
  /** Output (PCM) bytes written and not yet returned as frames. */
  private heldBytes = 0;
  private emittedBytes = 0;
  /** Output positions where a frame must end (from `cut()`), ascending, all after `emittedBytes`. */
  private readonly cuts: number[] = [];
  readonly frameBytes: number;
  private readonly bytesPerMs: number;
  private frames: FrameAllocator | undefined;

  constructor(
    readonly sampleRate: number,
    readonly chunkMs: number,
    private readonly decoder: SampleDecoder = PCM_COPY,
  ) {
    this.bytesPerMs = (sampleRate * BYTES_PER_SAMPLE) / 1000;
    this.frameBytes = Math.round((sampleRate * chunkMs) / 1000) * BYTES_PER_SAMPLE;
  }

  get bufferedMs(): number {
    return this.heldBytes / this.bytesPerMs;
  }

  get positionMs(): number {
    return this.emittedBytes / this.bytesPerMs;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.heldBytes += chunk.length * this.decoder.expansion;
  }

  cut(): number {
    // Whole samples only: a trailing half sample belongs to the next frame.
    const written = this.emittedBytes + this.heldBytes;
    const at = written - (written % BYTES_PER_SAMPLE);
    const last = this.cuts.length > 0 ? this.cuts[this.cuts.length - 1]! : this.emittedBytes;
    if (at > last) this.cuts.push(at);
    return at / this.bytesPerMs;
  }

  next(flush: boolean): AudioFrame | undefined {
    let bytes = this.cuts.length > 0 ? Math.min(this.frameBytes, this.cuts[0]! - this.emittedBytes) : this.frameBytes;
    if (this.heldBytes < bytes) {
      if (!flush || this.heldBytes === 0) return undefined;
      if (this.heldBytes % BYTES_PER_SAMPLE !== 0) {
        throw invalidAudio(`The audio ended on half a sample: ${this.heldBytes} trailing bytes of 16-bit PCM is an odd count`);
      }
      bytes = this.heldBytes;
    }
    const frame = new PlainFrame(this.take(bytes), this.positionMs, bytes / this.bytesPerMs);
    this.emittedBytes += bytes;
    this.heldBytes -= bytes;
    if (this.cuts[0] === this.emittedBytes) this.cuts.shift();
    return frame;
  }

  /** The next `bytes` output bytes: a view of one written chunk where they lie in it, else decoded or copied into a frame of our own. */
  private take(bytes: number): Buffer {
    const { expansion } = this.decoder;
    const first = this.chunks[this.head]!;
    if (expansion === 1 && first.length - this.offset >= bytes) {
      const view = first.subarray(this.offset, this.offset + bytes);
      this.advance(bytes);
      return view;
    }
    this.frames ??= new FrameAllocator(this.frameBytes);
    const out = this.frames.alloc();
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[this.head]!;
      const n = Math.min(chunk.length - this.offset, (bytes - filled) / expansion);
      this.decoder.decode(chunk, this.offset, this.offset + n, out, filled);
      filled += n * expansion;
      this.advance(n);
    }
    return bytes === this.frameBytes ? out : out.subarray(0, bytes);
  }

  /** `n` input bytes of the first chunk are framed. */
  private advance(n: number): void {
    this.offset += n;
    if (this.offset < this.chunks[this.head]!.length) return;
    this.chunks[this.head++] = undefined as unknown as Buffer;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
