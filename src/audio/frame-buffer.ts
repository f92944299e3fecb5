/**
 * Memory for audio frames, laid out for a thousand streams in one process.
 *
 * - Frames are cut from per-stream slabs of about 16 KiB instead of one allocation each: a slab
 *   is one ArrayBuffer for the garbage collector to track instead of several, and, being the
 *   stream's own, it never keeps another stream's memory alive (a pooled slice of Node's shared
 *   8 KiB pool would keep its whole slab alive while replay holds the frame).
 * - Each frame has {@link WIRE_HEADROOM} spare bytes in front of its audio, so the transport can
 *   write the message header there and send header and audio as one view, without the copy a
 *   message encoder would make (see `prefixInPlace` in src/transport/wire-headroom.ts).
 */
import { registerSlab, WIRE_HEADROOM } from '../transport/wire-headroom.js';

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
      registerSlab(this.slab.buffer, this.stride);
      this.offset = 0;
    }
    const start = this.offset + WIRE_HEADROOM;
    this.offset += this.stride;
    return this.slab.subarray(start, start + this.frameBytes);
  }
}
