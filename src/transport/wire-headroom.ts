/**
 * Room in front of an audio frame for the header of the message that carries it. The audio layer
 * cuts frames from slabs with {@link WIRE_HEADROOM} spare bytes before each one and registers the
 * slabs here; the message encoder writes the header into those bytes and sends header and audio as
 * one view, without the copy a message encoder would make. It lives in the transport because the
 * wire is the lower layer: audio may lay its memory out for the wire, the wire knows no audio.
 */

/** Spare bytes before each frame's audio: room for any protobuf header of an audio message. */
export const WIRE_HEADROOM = 8;

/**
 * The frame stride of every registered slab. A view of a slab that starts where a frame starts has
 * that frame's WIRE_HEADROOM bytes in front of it; registering slabs rather than frames keeps the
 * per-frame cost to a lookup.
 */
const strides = new WeakMap<ArrayBufferLike, number>();

/** A slab of frames, each `stride` bytes apart and starting WIRE_HEADROOM bytes into its stride. */
export function registerSlab(slab: ArrayBufferLike, stride: number): void {
  strides.set(slab, stride);
}

/**
 * `prefix` followed by `data` as one buffer, written into the spare bytes in front of `data`
 * when it is a frame of a registered slab; undefined otherwise (the caller encodes as usual).
 * Writing the same prefix again (a replayed frame) gives the same bytes.
 */
export function prefixInPlace(data: Uint8Array, prefix: Uint8Array, prefixLength: number): Buffer | undefined {
  if (prefixLength > WIRE_HEADROOM || !startsAFrame(data)) return undefined;
  const start = data.byteOffset - prefixLength;
  const out = Buffer.from(data.buffer, start, prefixLength + data.length);
  for (let i = 0; i < prefixLength; i++) out[i] = prefix[i]!;
  return out;
}

/**
 * `prefix` followed by `data` as one buffer: in place where `data` is a frame of a registered slab
 * (see `prefixInPlace`), else one copy into a new buffer (a view of a buffer the writer wrote has
 * nothing of ours in front of it). Never writes into `data`'s own memory outside a slab's headroom.
 */
export function withPrefix(data: Uint8Array, prefix: Uint8Array, prefixLength: number): Buffer {
  const inPlace = prefixInPlace(data, prefix, prefixLength);
  if (inPlace) return inPlace;
  // allocUnsafe: every byte is written below; small messages come from Node's shared pool.
  const out = Buffer.allocUnsafe(prefixLength + data.length);
  for (let i = 0; i < prefixLength; i++) out[i] = prefix[i]!;
  out.set(data, prefixLength);
  return out;
}

function startsAFrame(data: Uint8Array): boolean {
  const stride = strides.get(data.buffer);
  return stride !== undefined && data.byteOffset % stride === WIRE_HEADROOM;
}
