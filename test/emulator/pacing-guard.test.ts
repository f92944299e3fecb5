import { describe, expect, it } from 'vitest';
import { PacingGuard } from '../../src/emulator/limits/pacing-guard.js';

/** Seeded LCG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/**
 * The rule itself, by brute force: some window [t_i, t_j] holds more audio than
 * maxRatio × (t_j - t_i) + leadMs. Returns the index of the first message that breaks it.
 */
function firstBreach(msgs: { wallMs: number; audioMs: number }[], maxRatio: number, leadMs: number): number {
  for (let j = 0; j < msgs.length; j++) {
    let audio = 0;
    for (let i = j; i >= 0; i--) {
      audio += msgs[i]!.audioMs;
      if (audio > maxRatio * (msgs[j]!.wallMs - msgs[i]!.wallMs) + leadMs + 1e-6) return j;
    }
  }
  return -1;
}

describe('PacingGuard (the token bucket behind profile.pacing)', () => {
  it('breaches at exactly the first message that puts any window over maxRatio x wall + lead, over random schedules', () => {
    let breaches = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const random = rng(seed);
      const maxRatio = 1 + random() * 3;
      const leadMs = random() * 2000;
      const msgs: { wallMs: number; audioMs: number }[] = [];
      let wall = 0;
      for (let k = 0; k < 120; k++) {
        // Bursts, pauses and steady stretches: gaps 0..250 ms, chunks 10..300 ms of audio.
        wall += random() < 0.3 ? 0 : random() * 250;
        msgs.push({ wallMs: wall, audioMs: 10 + Math.round(random() * 290) });
      }
      const expected = firstBreach(msgs, maxRatio, leadMs);
      const guard = new PacingGuard({ maxRatio, leadMs });
      const actual = msgs.findIndex((m) => guard.spend(m.audioMs, m.wallMs) > 0);
      expect(actual, `seed ${seed}`).toBe(expected);
      if (expected >= 0) breaches++;
    }
    // The schedules exercise both outcomes.
    expect(breaches).toBeGreaterThan(40);
    expect(breaches).toBeLessThan(360);
  });

  it('lets a 2x replay with a chunk of lead through, and a 3x one not', () => {
    const run = (ratio: number) => {
      const guard = new PacingGuard({ maxRatio: 2, leadMs: 1500 });
      for (let k = 0; k < 600; k++) if (guard.spend(100, (k * 100) / ratio) > 0) return k;
      return -1;
    };
    expect(run(2)).toBe(-1);
    expect(run(1)).toBe(-1);
    expect(run(3)).toBeGreaterThan(0);
  });
});
