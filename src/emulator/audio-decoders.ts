/**
 * Turns the bytes of one session into PCM samples for the recognizer. One decoder per encoding,
 * behind one interface (LINEAR16_PCM here, OGG_OPUS in ogg-opus-decoder.ts).
 */
export interface AudioDecoder {
  /** Sample rate of the samples `push` returns; null while no recognition is possible. */
  readonly sampleRate: number | null;
  /** Decodes the next bytes; returns the 16-bit samples they complete (possibly none). Throws `AudioRejected`. */
  push(bytes: Buffer): Int16Array;
  /** Audio time covered by the bytes pushed so far, in ms (0 when the format does not say). */
  readonly audioMs: number;
  /** Frees what the decoder holds outside the heap. */
  close?(): void;
}

/** Audio the service would refuse: the session ends with INVALID_ARGUMENT and this message. */
export class AudioRejected extends Error {
  override readonly name = 'AudioRejected';
}

/** 16-bit little-endian mono PCM; a byte left over from an odd-sized message waits for the next one. */
export class Linear16Decoder implements AudioDecoder {
  readonly sampleRate: number;
  #carry: number | null = null;
  #bytes = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
  }

  get audioMs(): number {
    return (this.#bytes / 2 / this.sampleRate) * 1000;
  }

  push(bytes: Buffer): Int16Array {
    this.#bytes += bytes.length;
    let offset = 0;
    const count = Math.floor(((this.#carry === null ? 0 : 1) + bytes.length) / 2);
    const out = new Int16Array(count);
    let i = 0;
    if (this.#carry !== null && bytes.length > 0) {
      const lo = this.#carry;
      const hi = bytes[0]!;
      out[i++] = ((hi << 8) | lo) << 16 >> 16;
      offset = 1;
      this.#carry = null;
    }
    for (; offset + 1 < bytes.length; offset += 2) out[i++] = bytes.readInt16LE(offset);
    if (offset < bytes.length) this.#carry = bytes[offset]!;
    return out;
  }
}
