import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLLOVER, rolloverDecision, validateRollover } from '../../src/session/rollover.js';

const limits = { maxAudioMs: 300_000, maxBytes: 10_000_000 };
const frame = { audioMs: 100, bytes: 3_200 };
const noJitter = 0.5;

describe('rolloverDecision', () => {
  it('continues below the soft window', () => {
    expect(rolloverDecision({ audioMs: 200_000, bytes: 6_400_000 }, frame, limits, DEFAULT_ROLLOVER, noJitter)).toBe('continue');
  });

  it('waits for a natural boundary inside the soft window (80 % of the audio limit)', () => {
    expect(rolloverDecision({ audioMs: 240_000, bytes: 0 }, frame, limits, DEFAULT_ROLLOVER, noJitter)).toBe('at-boundary');
    expect(rolloverDecision({ audioMs: 239_900, bytes: 0 }, frame, limits, DEFAULT_ROLLOVER, noJitter)).toBe('continue');
  });

  it('counts bytes too: at 48 kHz the 10 MB limit comes first', () => {
    const at48k = { audioMs: 96_000 / 96, bytes: 9_600 };
    const usage = { audioMs: 84_000, bytes: 84 * 96_000 };
    expect(rolloverDecision(usage, at48k, limits, DEFAULT_ROLLOVER, noJitter)).toBe('at-boundary');
  });

  it('cuts before a frame would cross the hard margin (95 %)', () => {
    expect(rolloverDecision({ audioMs: 284_900, bytes: 0 }, frame, limits, DEFAULT_ROLLOVER, noJitter)).toBe('at-boundary');
    expect(rolloverDecision({ audioMs: 284_950, bytes: 0 }, frame, limits, DEFAULT_ROLLOVER, noJitter)).toBe('now');
    expect(rolloverDecision({ audioMs: 0, bytes: 9_498_000 }, frame, limits, DEFAULT_ROLLOVER, noJitter)).toBe('now');
  });

  it('spreads the soft point between sessions with jitter, never past the hard margin', () => {
    // The soft window is 80–95 %; jitter 0.1 moves the soft point by ±10 % of it: 240 s ± 4.5 s.
    const usage = { audioMs: 235_600, bytes: 0 };
    expect(rolloverDecision(usage, frame, limits, DEFAULT_ROLLOVER, 0)).toBe('at-boundary');
    expect(rolloverDecision(usage, frame, limits, DEFAULT_ROLLOVER, 0.999)).toBe('continue');
    const softPoints = [0, 0.25, 0.5, 0.75, 0.999].map((j) => {
      let ms = 200_000;
      while (rolloverDecision({ audioMs: ms, bytes: 0 }, frame, limits, DEFAULT_ROLLOVER, j) === 'continue') ms += 100;
      return ms;
    });
    expect(new Set(softPoints).size).toBe(5);
    for (const p of softPoints) expect(p).toBeLessThan(285_000);
    expect(Math.min(...softPoints)).toBeGreaterThanOrEqual(235_500);
    expect(Math.max(...softPoints)).toBeLessThanOrEqual(244_600);
  });

  it('validates its options', () => {
    expect(validateRollover(DEFAULT_ROLLOVER)).toBeUndefined();
    expect(validateRollover({ ...DEFAULT_ROLLOVER, hardRatio: 0.5 })).toMatch(/hardRatio/);
    expect(validateRollover({ ...DEFAULT_ROLLOVER, softRatio: 1.2 })).toMatch(/softRatio/);
  });
});
