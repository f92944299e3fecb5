import { describe, expect, it } from 'vitest';
import { IdleGap, keepAliveMs, keepAliveStep, MAX_SILENT_MS, type KeepAliveInput } from '../../src/session/idle.js';

describe('IdleGap', () => {
  it('counts a frame still filling up at real time as no gap, however long the chunk', () => {
    const gap = new IdleGap();
    gap.opened(0);
    // 500 ms frames of a live source, each sent as it completes.
    gap.audioSent(500, 0);
    // Each frame completes a little late (the source writes in pieces): still no gap.
    let at = 0;
    for (let k = 1; k <= 10; k++) {
      at = k * 500 + 15;
      expect(gap.gapMs(at, 300, false)).toBe(0);
      gap.audioSent(500, at);
    }
    expect(gap.keepAliveAt(300, false)).toBe(at + 500 + 300);
  });

  it('counts audio the source is writing as covered time while no whole frame waits', () => {
    const gap = new IdleGap();
    gap.opened(0);
    gap.audioSent(500, 500);
    // The source resumes at 2 s after a pause, in 20 ms pieces; the frame fills until 2.5 s.
    for (let t = 2_000; t < 2_500; t += 20) gap.audioWritten(20, t);
    expect(gap.gapMs(2_400, 300, true)).toBe(0);
    // Had a whole frame been waiting (held back), the writes would not have covered anything.
    expect(gap.gapMs(2_400, 300, false)).toBe(2_400 - 1_000);
  });

  it('measures the gap from where the audio sent ends in real time, and lets keep-alive fill at most that', () => {
    const gap = new IdleGap();
    gap.opened(0);
    gap.audioSent(100, 0);
    expect(gap.keepAliveAt(1_000, true)).toBe(1_100);
    expect(gap.gapMs(1_099, 1_000, true)).toBe(0);
    expect(gap.gapMs(1_100, 1_000, true)).toBe(1_000);
    gap.messageSent(1_100);
    expect(gap.keepAliveAt(1_000, true)).toBe(2_100);
  });

  it('leaves no session longer than MAX_SILENT_MS without a message, whatever ran ahead before', () => {
    const gap = new IdleGap();
    gap.opened(0);
    // A replay at twice real time: 20 s of audio sent in 10 s covers until 20 s.
    for (let t = 0; t < 10_000; t += 50) gap.audioSent(100, t);
    expect(gap.keepAliveAt(1_000, true)).toBe(9_950 + MAX_SILENT_MS);
    expect(gap.gapMs(9_950 + MAX_SILENT_MS, 1_000, true)).toBe(1_000);
  });
  it('unpaced, credits audio sent ahead with only a chunk past the last message', () => {
    const gap = new IdleGap(100);
    gap.opened(0);
    // Two seconds sent at once: nothing keeps real time, so the pause counts from 100 ms on.
    for (let k = 0; k < 20; k++) gap.audioSent(100, 0);
    expect(gap.keepAliveAt(250, true)).toBe(100 + 250);
  });
});

describe('keepAliveStep', () => {
  const base: KeepAliveInput = {
    wantedMs: 100,
    usage: { audioMs: 0, bytes: 0 },
    limits: { maxAudioMs: 10_000, maxBytes: 1_000_000 },
    hardRatio: 0.95,
    bytesPerMs: 16,
    rolloverPending: false,
  };

  it('sends what the gap allows below the hard margin', () => {
    expect(keepAliveStep(base)).toEqual({ kind: 'silence', ms: 100 });
    expect(keepAliveStep({ ...base, usage: { audioMs: 9_400, bytes: 0 } })).toEqual({ kind: 'silence', ms: 100 });
  });

  it('rolls over rather than cross the hard margin, in ms or in bytes', () => {
    expect(keepAliveStep({ ...base, usage: { audioMs: 9_401, bytes: 0 } })).toEqual({ kind: 'rollover' });
    expect(keepAliveStep({ ...base, usage: { audioMs: 0, bytes: 949_000 } })).toEqual({ kind: 'rollover' });
  });

  it('while the rollover waits for a slot, uses the headroom up to the limit, then ends the session', () => {
    const waiting = { ...base, rolloverPending: true };
    expect(keepAliveStep({ ...waiting, usage: { audioMs: 9_500, bytes: 0 } })).toEqual({ kind: 'silence', ms: 100 });
    expect(keepAliveStep({ ...waiting, usage: { audioMs: 9_950, bytes: 0 } })).toEqual({ kind: 'silence', ms: 40 });
    expect(keepAliveStep({ ...waiting, usage: { audioMs: 9_990, bytes: 0 } })).toEqual({ kind: 'end-session' });
    // Bytes count too; a duration (v3 silence_chunk) costs none.
    expect(keepAliveStep({ ...waiting, usage: { audioMs: 0, bytes: 999_900 } })).toEqual({ kind: 'end-session' });
    expect(keepAliveStep({ ...waiting, bytesPerMs: 0, usage: { audioMs: 9_600, bytes: 999_900 } })).toEqual({ kind: 'silence', ms: 100 });
  });

  it('sizes keep-alive as a chunk, never more than the gap, in whole 20 ms', () => {
    expect(keepAliveMs(1_000, 100)).toBe(100);
    expect(keepAliveMs(110, 1_000)).toBe(100);
    expect(keepAliveMs(300, 250)).toBe(240);
    expect(keepAliveMs(1_000, 10)).toBe(20);
  });
});
