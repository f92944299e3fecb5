import { describe, expect, it } from 'vitest';
import { PcmFramer } from '../../src/audio/pcm-framer.js';
import type { AudioFrame } from '../../src/audio/frame.js';
import { g711Decoder } from '../../src/audio/g711.js';

function pcm(samples: number): Buffer {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) b.writeInt16LE((i * 37) % 30000 - 15000, i * 2);
  return b;
}

function drain(framer: PcmFramer, flush: boolean): AudioFrame[] {
  const out: AudioFrame[] = [];
  for (let f = framer.next(flush); f; f = framer.next(flush)) out.push(f);
  return out;
}

function frameAll(audio: Buffer, splits: number[], rate = 8000, chunkMs = 100): AudioFrame[] {
  const framer = new PcmFramer(rate, chunkMs);
  const frames: AudioFrame[] = [];
  let at = 0;
  for (const size of splits) {
    framer.append(audio.subarray(at, at + size));
    at += size;
    frames.push(...drain(framer, false));
  }
  framer.append(audio.subarray(at));
  frames.push(...drain(framer, true));
  return frames;
}

describe('PcmFramer', () => {
  const audio = pcm(8000 * 0.35 + 3); // 353.x ms at 8 kHz: three full frames and a short tail

  it('makes frames of exactly chunkMs, a shorter last one, and never an empty one', () => {
    const frames = frameAll(audio, []);
    expect(frames.map((f) => f.data.length)).toEqual([1600, 1600, 1600, 806]);
    expect(frames.map((f) => f.streamMs)).toEqual([0, 100, 200, 300]);
    expect(frames[3]!.durationMs).toBeCloseTo(50.375);
    expect(Buffer.concat(frames.map((f) => f.data)).equals(audio)).toBe(true);
  });

  it('gives identical frames whatever the split point of two writes', () => {
    const reference = frameAll(audio, []);
    for (let split = 0; split <= audio.length; split++) {
      const frames = frameAll(audio, [split]);
      expect(frames.map((f) => [f.streamMs, f.durationMs])).toEqual(reference.map((f) => [f.streamMs, f.durationMs]));
      expect(Buffer.concat(frames.map((f) => f.data)).equals(audio)).toBe(true);
    }
  });

  it('gives identical frames when written one byte at a time or in odd sizes', () => {
    const reference = frameAll(audio, []);
    for (const size of [1, 3, 7, 999, 1601]) {
      const splits = Array.from({ length: Math.floor(audio.length / size) }, () => size);
      const frames = frameAll(audio, splits);
      expect(frames.map((f) => f.data.toString('hex'))).toEqual(reference.map((f) => f.data.toString('hex')));
    }
  });

  it('keeps frames sample-aligned at every supported rate', () => {
    for (const rate of [8000, 16000, 48000]) {
      for (const chunkMs of [10, 20, 100, 1000]) {
        const framer = new PcmFramer(rate, chunkMs);
        expect(framer.frameBytes % 2).toBe(0);
        expect(framer.frameBytes).toBe((rate * chunkMs * 2) / 1000);
      }
    }
  });

  it('fails loudly on a stream that ends on half a sample', () => {
    const framer = new PcmFramer(16000, 100);
    framer.append(pcm(100).subarray(0, 199));
    expect(() => drain(framer, true)).toThrow(expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_AUDIO' }));
  });

  it('frames inside one write are views of it (no copy); a frame across two writes is a copy of its own', () => {
    const framer = new PcmFramer(8000, 10); // 160-byte frames
    const a = pcm(200); // 400 bytes: two frames and 80 bytes of a third
    const b = pcm(200);
    framer.append(a);
    framer.append(b);
    const frames = drain(framer, true);
    expect(frames.map((f) => f.data.length)).toEqual([160, 160, 160, 160, 160]);
    expect(frames[0]!.data.buffer).toBe(a.buffer);
    expect(frames[0]!.data.byteOffset).toBe(a.byteOffset);
    expect(frames[1]!.data.byteOffset).toBe(a.byteOffset + 160);
    expect(frames[2]!.data.buffer).not.toBe(a.buffer);
    expect(frames[2]!.data.buffer).not.toBe(b.buffer);
    expect(frames[3]!.data.buffer).toBe(b.buffer);
    expect(Buffer.concat(frames.map((f) => f.data)).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('cuts frames only when asked for: audio written ahead is not framed or copied at write time', () => {
    const framer = new PcmFramer(16000, 100);
    expect(framer.cut()).toBe(0); // nothing written: no cut
    const audio = pcm(16000 * 2); // 2 s
    const original = Buffer.from(audio);
    framer.append(audio);
    const early = [0, 1, 2, 3, 4].map(() => framer.next(false)!);
    audio.fill(1, 3200 * 5); // a writer breaking the contract, for audio not yet sent…
    const rest = drain(framer, true);
    // …shows in the frames cut after it (nothing was copied at write time), not in those before.
    expect(Buffer.concat(early.map((f) => f.data)).equals(original.subarray(0, 3200 * 5))).toBe(true);
    expect(rest).toHaveLength(15);
    expect(rest.every((f) => f.data.every((x) => x === 1))).toBe(true);
  });

  it('never writes into the buffers it was given, across cuts, odd splits and G.711 expansion', () => {
    for (const decoder of [undefined, g711Decoder('MULAW')]) {
      const written = [pcm(333), Buffer.from([5]), Buffer.from([6]), pcm(1600), Buffer.from([7, 8, 9]), Buffer.from([10])];
      const copies = written.map((b) => Buffer.from(b));
      const framer = new PcmFramer(8000, 10, decoder);
      const out: AudioFrame[] = [];
      for (const b of written) {
        framer.append(b);
        framer.cut();
        out.push(...drain(framer, false));
      }
      out.push(...drain(framer, true));
      written.forEach((b, i) => expect(b.equals(copies[i]!)).toBe(true));
      const expected = Buffer.concat(copies);
      const total = out.reduce((n, f) => n + f.data.length, 0);
      expect(total).toBe(decoder ? expected.length * 2 : expected.length);
      if (!decoder) expect(Buffer.concat(out.map((f) => f.data)).equals(expected)).toBe(true);
      out.forEach((f) => expect(f.data.length).toBeGreaterThan(0));
    }
  });

  it('handles one many-megabyte write', () => {
    const big = pcm(48000 * 60); // one minute at 48 kHz, 5.76 MB
    const framer = new PcmFramer(48000, 100);
    framer.append(big);
    expect(framer.bufferedMs).toBe(60_000);
    const frames = drain(framer, true);
    expect(frames).toHaveLength(600);
    expect(frames.every((f) => f.data.length === 9600)).toBe(true);
  });
});
