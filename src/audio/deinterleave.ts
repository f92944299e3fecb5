/**
 * Splits interleaved multi-channel audio (sample of channel 0, of channel 1, … of channel N−1,
 * then channel 0 again) into one mono buffer per channel, across writes cut anywhere: the bytes of
 * an unfinished sample group wait for the next write. `sampleBytes` is 2 for 16-bit PCM, 1 for
 * G.711. Pure.
 */
export class Deinterleaver {
  #carry: Buffer = Buffer.alloc(0);
  readonly #group: number;

  constructor(
    readonly channels: number,
    readonly sampleBytes: 1 | 2,
  ) {
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channels must be a positive integer, got ${channels}`);
    this.#group = channels * sampleBytes;
  }

  /** Bytes held back: an unfinished sample group, fewer than `channels × sampleBytes`. */
  get carryBytes(): number {
    return this.#carry.length;
  }

  /** One buffer per channel, each the same number of whole samples. */
  push(chunk: Buffer): Buffer[] {
    const data = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const groups = Math.floor(data.length / this.#group);
    const { channels, sampleBytes } = this;
    const out: Buffer[] = [];
    for (let c = 0; c < channels; c++) out.push(Buffer.allocUnsafe(groups * sampleBytes));
    if (sampleBytes === 2) {
      for (let g = 0, at = 0; g < groups; g++) {
        const to = g * 2;
        for (let c = 0; c < channels; c++, at += 2) {
          const channel = out[c]!;
          channel[to] = data[at]!;
          channel[to + 1] = data[at + 1]!;
        }
      }
    } else {
      for (let g = 0, at = 0; g < groups; g++) {
        for (let c = 0; c < channels; c++, at++) out[c]![g] = data[at]!;
      }
    }
    // A copy: the caller's buffer may be reused once its write is done.
    this.#carry = Buffer.from(data.subarray(groups * this.#group));
    return out;
  }
}
