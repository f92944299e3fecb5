import { describe, expect, it } from 'vitest';
import { PcmFramer } from '../../src/audio/pcm-framer.js';
import type { AudioFrame } from '../../src/audio/frame.js';

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

  it('copies audio, so a writer may reuse its buffer after the write', () => {
    const framer = new PcmFramer(8000, 10);
    const buf = pcm(200);
    const original = Buffer.from(buf);
    framer.append(buf);
    buf.fill(0);
    const frames = drain(framer, true);
    expect(Buffer.concat(frames.map((f) => f.data)).equals(original)).toBe(true);
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
