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
    if (bytes.length === 0) return new Int16Array(0);
    const carried = this.#carry === null ? 0 : 1;
    const count = (carried + bytes.length) >> 1;
    const out = new Int16Array(count);
    const used = count * 2 - carried;
    if (LITTLE_ENDIAN) {
      // One copy into aligned memory instead of a read per sample: this runs for every message.
      const target = new Uint8Array(out.buffer);
      if (carried) target[0] = this.#carry!;
      target.set(bytes.subarray(0, used), carried);
    } else {
      const joined = carried ? Buffer.concat([Buffer.from([this.#carry!]), bytes]) : bytes;
      for (let i = 0; i < count; i++) out[i] = joined.readInt16LE(2 * i);
    }
    this.#carry = used < bytes.length ? bytes[used]! : null;
    return out;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
