import type { AudioDecoder } from './audio-decoder.js';

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
