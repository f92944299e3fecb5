/**
 * Splits interleaved 16-bit stereo PCM (left, right, left, right…) into one mono buffer per
 * channel, across frames cut anywhere: the bytes of an unfinished sample pair wait for the next.
 */
export class StereoSplitter {
  #carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): [left: Buffer, right: Buffer] {
    const data = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const pairs = Math.floor(data.length / 4);
    const left = Buffer.allocUnsafe(pairs * 2);
    const right = Buffer.allocUnsafe(pairs * 2);
    for (let i = 0; i < pairs; i++) {
      data.copy(left, i * 2, i * 4, i * 4 + 2);
      data.copy(right, i * 2, i * 4 + 2, i * 4 + 4);
    }
    this.#carry = Buffer.from(data.subarray(pairs * 4));
    return [left, right];
  }
}

/** Keeps mono 16-bit PCM whole across frames cut mid-sample. */
export class SampleAligner {
  #carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer {
    const data = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const whole = data.length - (data.length % 2);
    this.#carry = Buffer.from(data.subarray(whole));
    return data.subarray(0, whole);
  }
}
