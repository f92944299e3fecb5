import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../src/audio/frame.js';
import type { OwedStretch } from '../../src/session/repair.js';
import { Repairs, type RepairHost } from '../../src/session/repairs.js';
import { ResultGate } from '../../src/session/result-gate.js';
import type { SeamEvent } from '../../src/session/seam.js';
import type { Session } from '../../src/session/session.js';
import { schedulerFor } from '../../src/timing/scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';

const frame = (streamMs: number): AudioFrame => ({ streamMs, durationMs: 100, data: Buffer.alloc(1_600) }) as unknown as AudioFrame;

/** The parts of the stream a repair uses, recording the seams it declares and the sessions it opens. */
function host() {
  const clock = new FakeClock();
  const seams: SeamEvent[] = [];
  const opened: number[] = [];
  const h = {
    gate: new ResultGate(),
    retry: false,
    random: () => 0.5,
    scheduler: schedulerFor(clock),
    clock,
    pace: 1,
    chunkMs: 100,
    drainTimeoutMs: 1_000,
    earlyMs: 0,
    newSession: (baseOffsetMs: number) => {
      opened.push(baseOffsetMs);
      return { index: 9 } as unknown as Session;
    },
    start: () => {},
    seam: (e: SeamEvent) => seams.push(e),
  } as unknown as RepairHost;
  return { h, seams, opened };
}

const stretch = (frames: AudioFrame[]): OwedStretch => ({
  fromSession: 3, toSession: 4, atMs: 40_000, untilMs: 30_000, runs: [{ startMs: 2_000, endMs: 2_600 }, { startMs: 25_000, endMs: 25_500 }], frames, attempts: 0, refused: 0,
});
const owing = { reportedUntilMs: -Infinity, owedTimeless: 2 };

describe('a repair whose audio the replay buffer no longer holds in full', () => {
  it('declares the speech it cannot hear again in a seam, and repairs the rest', () => {
    const { h, seams, opened } = host();
    const frames = Array.from({ length: 60 }, (_, i) => frame(24_000 + i * 100));
    new Repairs(h).open(stretch(frames), owing);
    expect(seams).toEqual([{ reason: 'replay-bound', fromSession: 3, toSession: 4, atMs: 40_000, replayFromMs: 24_000, unreplayedFromMs: 2_000, dropped: [] }]);
    expect(opened).toEqual([24_000]);
  });

  it('declares the whole stretch when none of it is left', () => {
    const { h, seams, opened } = host();
    new Repairs(h).open(stretch([]), owing);
    expect(seams.map((s) => [s.unreplayedFromMs, s.replayFromMs])).toEqual([[2_000, 30_000]]);
    expect(opened).toEqual([]);
  });

  it('declares nothing when the audio reaches back to the owed speech', () => {
    const { h, seams, opened } = host();
    const frames = Array.from({ length: 280 }, (_, i) => frame(1_500 + i * 100));
    new Repairs(h).open(stretch(frames), owing);
    expect(seams).toEqual([]);
    expect(opened).toEqual([1_500]);
  });
});
