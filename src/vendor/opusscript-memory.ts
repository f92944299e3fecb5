/**
 * Makes an opusscript 0.0.8 instance safe to use alongside many others.
 *
 * A fix to a third-party package, not client logic: the client's Opus encoder and the emulator's
 * Opus decoder both import this one copy. src/vendor/ imports nothing from the project, so the
 * emulator may depend on it without depending on the client. Both need it: every opusscript
 * instance in a process lives in one WebAssembly heap, whichever side made it.
 *
 * opusscript keeps typed-array views into its WebAssembly heap, made once in its constructor, and
 * makes two of them wrong: `HEAPU16.subarray(pointer, …)` indexes 16-bit elements by a byte
 * pointer, so its PCM buffers sit at twice their address, outside their allocation, where they
 * overwrite other instances' memory or, past the heap's end, get cut short (a RangeError on
 * `encode`). And when the heap grows (some 40 encoders in, or an emulator's decoders in the same
 * process) every earlier view is detached. This rebinds the four views to the memory opusscript
 * allocated for them, and again whenever the heap has grown, so any number of encoders and
 * decoders can live in one process. The bytes opusscript reads and writes are unchanged.
 */

interface OpusScriptInstance {
  constructor: new (rate: number, channels: number) => OpusScriptInstance;
  inPCMPointer: number;
  inPCMLength: number;
  inOpusPointer: number;
  outOpusPointer: number;
  outPCMPointer: number;
  outPCMLength: number;
  inPCM: Uint16Array;
  inOpus: Uint8Array;
  outOpus: Uint8Array;
  outPCM: Uint16Array;
  encode(pcm: Buffer, frameSize: number): Buffer;
  decode(packet: Buffer): Buffer;
  delete(): void;
}

/** opusscript's MAX_PACKET_SIZE: the size of its two packet buffers. */
const PACKET_BUFFER_BYTES = 1276 * 3;

/** Applies the repair to `instance` (an opusscript object, e.g. a prism-media stream's `encoder`). */
export function repairOpusScript(instance: unknown): void {
  const opus = instance as OpusScriptInstance;
  if (typeof opus?.inPCMPointer !== 'number' || !(opus.outPCM instanceof Uint16Array)) return;
  const bind = (heap: ArrayBufferLike) => {
    opus.inPCM = new Uint16Array(heap, opus.inPCMPointer, opus.inPCMLength / 2);
    opus.inOpus = new Uint8Array(heap, opus.inOpusPointer, PACKET_BUFFER_BYTES);
    opus.outOpus = new Uint8Array(heap, opus.outOpusPointer, PACKET_BUFFER_BYTES);
    opus.outPCM = new Uint16Array(heap, opus.outPCMPointer, opus.outPCMLength / 2);
  };
  const current = () => {
    // A view made after the heap's last growth: a throwaway instance's.
    const probe = new opus.constructor(8000, 1);
    const heap = probe.outPCM.buffer;
    probe.delete();
    return heap;
  };
  // The constructor's last view was made after its last allocation, so its heap is current.
  bind(opus.outPCM.buffer.byteLength > 0 ? opus.outPCM.buffer : current());
  const { encode, decode } = opus;
  opus.encode = (pcm, frameSize) => {
    if (opus.inPCM.byteLength === 0) bind(current());
    return encode.call(opus, pcm, frameSize);
  };
  opus.decode = (packet) => {
    if (opus.inPCM.byteLength === 0) bind(current());
    return decode.call(opus, packet);
  };
}
