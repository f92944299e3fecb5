import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/timing/pacer.js';

/** Sends `count` frames of `d` ms as soon as the pacer allows, given when each becomes available. */
function simulate(pace: number, d: number, availableAt: (k: number) => number, count: number): number[] {
  const pacer = new Pacer(pace, d);
  const sentAt: number[] = [];
  let now = 0;
  for (let k = 0; k < count; k++) {
    now = Math.max(now, availableAt(k));
    now = Math.max(now, pacer.dueAt(k * d, now));
    pacer.sent(k * d, d, now);
    sentAt.push(now);
  }
  return sentAt;
}

describe('Pacer', () => {
  it('sends a file at real time: frame k leaves k × chunk after the first', () => {
    expect(simulate(1, 100, () => 0, 6)).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('scales with pace and sends everything at once when unpaced', () => {
    expect(simulate(2, 100, () => 0, 4)).toEqual([0, 50, 100, 150]);
    expect(simulate(0, 100, () => 0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('adds no delay to a live source that arrives in real time', () => {
    const arrive = (k: number) => 1000 + (k + 1) * 100; // frame k completes when its last sample arrives
    const sent = simulate(1, 100, arrive, 10);
    sent.forEach((t, k) => expect(t).toBe(arrive(k)));
  });

  it('never runs more than one frame ahead of real time', () => {
    const sent = simulate(1, 20, () => 0, 500);
    sent.forEach((t, k) => expect(k * 20 - t).toBeLessThanOrEqual(20));
  });

  it('catches up after a stall at no more than twice real time', () => {
    // The source stalls for 1 s after frame 4, then delivers everything at once.
    const sent = simulate(1, 100, (k) => (k < 5 ? k * 100 : 1400), 30);
    for (let k = 6; k < 30; k++) expect(sent[k]! - sent[k - 1]!).toBeGreaterThanOrEqual(50);
    expect(sent[10]! - sent[9]!).toBe(50);
    // ...and is back on the real-time schedule once caught up.
    expect(sent[29]).toBe(2900);
  });

  it('keeps gaps between messages far below the 5 s session idle limit while audio is available', () => {
    const sent = simulate(1, 1000, () => 0, 20);
    for (let k = 1; k < sent.length; k++) expect(sent[k]! - sent[k - 1]!).toBeLessThanOrEqual(1000);
  });

  it('lets a new session\'s first frame leave at once, then keeps the catch-up spacing', () => {
    const pacer = new Pacer(1, 100);
    pacer.sent(0, 100, 0);
    pacer.sent(100, 100, 100);
    pacer.newSession();
    // A replayed frame (already due) leaves at once in the new session…
    expect(pacer.dueAt(0, 150)).toBeLessThanOrEqual(150);
    pacer.sent(0, 100, 150);
    // …and the next one waits half a frame (2× real time).
    expect(pacer.dueAt(100, 150)).toBe(200);
  });

  it('catches up at no more than max(pace, 2) x real time: 2x at pace 2 and 3x at pace 3, not 2 x pace', () => {
    for (const [pace, spacing] of [[2, 50], [3, 100 / 3]] as const) {
      // The source stalls for 2 s after frame 4, then delivers everything at once.
      const sent = simulate(pace, 100, (k) => (k < 5 ? 0 : 2_000), 30);
      for (let k = 6; k < 30; k++) expect(sent[k]! - sent[k - 1]!).toBeCloseTo(spacing, 9);
    }
  });

  it('counts keep-alive silence against the bound, with one chunk of tolerance', () => {
    const pacer = new Pacer(1, 100);
    pacer.sent(0, 100, 0);
    // A paused source: silence at 1 s is not held back by audio long gone…
    expect(pacer.silenceDueAt(1_000)).toBe(1_000);
    pacer.silenceSent(100, 1_000);
    // …and the audio right after it may go at once (one chunk of tolerance)…
    expect(pacer.dueAt(100, 1_000)).toBe(1_000);
    pacer.sent(100, 100, 1_000);
    // …but no more: 300 ms of audio by 1 050 would be over 2 x 50 ms + one chunk.
    expect(pacer.dueAt(200, 1_000)).toBe(1_050);
    expect(pacer.silenceDueAt(1_000)).toBe(1_050);
  });

  it('never meets the bound early, though the schedule may be met `earlyMs` before time', () => {
    const pacer = new Pacer(1, 100, 0.5);
    pacer.silenceSent(100, 0);
    pacer.silenceSent(100, 0);
    // The bound's due time is shifted by earlyMs: a caller sending up to 0.5 ms early sends at 50 exactly.
    expect(pacer.silenceDueAt(0)).toBe(50.5);
  });

  it('puts no bound on pace 0', () => {
    const pacer = new Pacer(0, 100);
    for (let k = 0; k < 50; k++) pacer.sent(k * 100, 100, 0);
    expect(pacer.dueAt(5_000, 0)).toBe(0);
    expect(pacer.silenceDueAt(0)).toBe(0);
  });

  it('starts a new schedule after reset', () => {
    const pacer = new Pacer(1, 100);
    pacer.sent(0, 100, 0);
    pacer.reset();
    expect(pacer.dueAt(5000, 50)).toBe(50);
  });
});
