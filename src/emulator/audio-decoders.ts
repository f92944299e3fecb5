/**
 * Turns the bytes of one session into PCM samples for the recognizer. One decoder per encoding,
 * behind one interface, so that adding a format (Ogg Opus decoding) touches only this file and the
 * place that picks the decoder.
 */
export interface AudioDecoder {
  /** Sample rate of the samples `push` returns; null while no recognition is possible. */
  readonly sampleRate: number | null;
  /** Decodes the next bytes; returns the 16-bit samples they complete (possibly none). */
  push(bytes: Buffer): Int16Array;
  /** Audio time covered by the bytes pushed so far, in ms (0 when the format does not say). */
  readonly audioMs: number;
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

/**
 * Ogg Opus: bytes are accepted and counted, but not decoded yet, so there are no samples and no
 * audio time. Replace this with a decoder that parses pages (granule positions give the duration)
 * and decodes packets to enable recognition.
 */
export class OggOpusPassthroughDecoder implements AudioDecoder {
  readonly sampleRate = null;
  readonly audioMs = 0;

  push(): Int16Array {
    return new Int16Array(0);
  }
}
