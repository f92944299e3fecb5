/**
 * Memory for audio frames, laid out for a thousand streams in one process.
 *
 * - Frames are cut from per-stream slabs of about 16 KiB instead of one allocation each: a slab
 *   is one ArrayBuffer for the garbage collector to track instead of several, and, being the
 *   stream's own, it never keeps another stream's memory alive (a pooled slice of Node's shared
 *   8 KiB pool would keep its whole slab alive while replay holds the frame).
 * - Each frame has {@link WIRE_HEADROOM} spare bytes in front of its audio, so the transport can
 *   write the message header there and send header and audio as one view, without the copy a
 *   message encoder would make (see `prefixInPlace`).
 */

/** Spare bytes before each frame's audio: room for any protobuf header of an audio message. */
export const WIRE_HEADROOM = 8;
/** Target slab size. Small enough that a half-used slab costs little, large enough to batch. */
const SLAB_BYTES = 16 * 1024;

/** Hands out frame buffers of one size, from slabs owned by one stream. */
export class FrameAllocator {
  private slab: Buffer | undefined;
  private offset = 0;
  private readonly stride: number;
  private readonly perSlab: number;

  constructor(readonly frameBytes: number) {
    this.stride = WIRE_HEADROOM + frameBytes;
    this.perSlab = Math.max(1, Math.floor(SLAB_BYTES / this.stride));
  }

  /** A fresh frame buffer of `frameBytes`, contents undefined. */
  alloc(): Buffer {
    if (!this.slab || this.offset + this.stride > this.slab.length) {
      // Zeroed: an uninitialized slab's unused bytes hold whatever memory held before (a
      // response header, a token), and the slab is reachable from the stream.
      this.slab = Buffer.alloc(this.stride * this.perSlab);
      strides.set(this.slab.buffer, this.stride);
      this.offset = 0;
    }
    const start = this.offset + WIRE_HEADROOM;
    this.offset += this.stride;
    return this.slab.subarray(start, start + this.frameBytes);
  }
}

/**
 * `prefix` followed by `data` as one buffer, written into the spare bytes in front of `data`
 * when it is a frame from a {@link FrameAllocator}; undefined otherwise (the caller encodes as
 * usual). Writing the same prefix again (a replayed frame) gives the same bytes.
 */
export function prefixInPlace(data: Uint8Array, prefix: Uint8Array, prefixLength: number): Buffer | undefined {
  if (prefixLength > WIRE_HEADROOM || !startsAFrame(data)) return undefined;
  const start = data.byteOffset - prefixLength;
  const out = Buffer.from(data.buffer, start, prefixLength + data.length);
  for (let i = 0; i < prefixLength; i++) out[i] = prefix[i]!;
  return out;
}

/**
 * The frame stride of every slab a FrameAllocator cut. A view of a slab that starts where a frame
 * starts has that frame's WIRE_HEADROOM bytes in front of it; registering slabs rather than
 * frames keeps the per-frame cost to a lookup.
 */
const strides = new WeakMap<ArrayBufferLike, number>();

function startsAFrame(data: Uint8Array): boolean {
  const stride = strides.get(data.buffer);
  return stride !== undefined && data.byteOffset % stride === WIRE_HEADROOM;
}
