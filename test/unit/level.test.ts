import { describe, expect, it } from 'vitest';
import { isSilentPcm, SILENCE_RMS } from '../../src/audio/level.js';
import { seededRandom } from '../helpers/dialled.js';

/** The definition: RMS of every other sample below SILENCE_RMS. */
function reference(data: Buffer): boolean {
  const values: number[] = [];
  for (let i = 0; i + 1 < data.length; i += 4) values.push(data.readInt16LE(i));
  if (values.length === 0) return true;
  return Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length) < SILENCE_RMS;
}

function noise(samples: number, amplitude: number, random: () => number): Buffer {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round((random() * 2 - 1) * amplitude), i * 2);
  return b;
}

describe('isSilentPcm', () => {
  it('agrees with the RMS definition around the threshold, aligned or not', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 400; trial++) {
      const samples = 1 + Math.floor(random() * 900);
      const amplitude = SILENCE_RMS * (0.5 + random() * 1.5) * Math.sqrt(3);
      const pcm = noise(samples, amplitude, random);
      expect(isSilentPcm(pcm)).toBe(reference(pcm));
      // The same samples at an odd byte offset take the unaligned path.
      const shifted = Buffer.alloc(pcm.length + 1);
      pcm.copy(shifted, 1);
      expect(isSilentPcm(shifted.subarray(1))).toBe(reference(pcm));
    }
  });

  it('calls digital silence and an empty frame silent, a tone loud', () => {
    expect(isSilentPcm(Buffer.alloc(3200))).toBe(true);
    expect(isSilentPcm(Buffer.alloc(0))).toBe(true);
    const tone = Buffer.alloc(3200);
    for (let i = 0; i < 1600; i++) tone.writeInt16LE(Math.round(3000 * Math.sin(i / 3)), i * 2);
    expect(isSilentPcm(tone)).toBe(false);
  });
});
