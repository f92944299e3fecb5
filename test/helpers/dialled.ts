import { dialledDigitsPcm, type PcmSampleRate } from '../../src/emulator/index.js';

/** A small seeded PRNG (mulberry32), so "random" test material is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DialledStream {
  utterances: string[];
  pcm: Buffer;
  durationMs: number;
}

/**
 * About `minutes` of dialled-digit utterances (1–4 digits each) at `sampleRate`, made from a seed.
 * Built in pieces so an hour of 48 kHz audio does not need one giant intermediate array.
 */
export function dialledStream(minutes: number, sampleRate: PcmSampleRate, seed: number): DialledStream {
  const random = seededRandom(seed);
  const utterances: string[] = [];
  const pieces: Buffer[] = [];
  let bytes = 0;
  const target = minutes * 60 * sampleRate * 2;
  const symbols = '0123456789';
  while (bytes < target) {
    const batch: string[] = [];
    for (let i = 0; i < 50; i++) {
      const length = 1 + Math.floor(random() * 4);
      batch.push(Array.from({ length }, () => symbols[Math.floor(random() * symbols.length)]).join(''));
    }
    const pcm = dialledDigitsPcm(batch, { sampleRate, toneMs: 80, toneGapMs: 70, utteranceGapMs: 900, leadMs: 200, trailMs: 900 });
    utterances.push(...batch);
    pieces.push(pcm);
    bytes += pcm.length;
  }
  const pcm = Buffer.concat(pieces);
  return { utterances, pcm, durationMs: (pcm.length / 2 / sampleRate) * 1000 };
}
