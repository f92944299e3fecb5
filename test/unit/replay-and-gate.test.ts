import { describe, expect, it } from 'vitest';
import { PlainFrame, type AudioFrame } from '../../src/audio/frame.js';
import type { RecognitionResult } from '../../src/results.js';
import { ReplayBuffer } from '../../src/session/replay-buffer.js';
import { ResultGate } from '../../src/session/result-gate.js';
import { SessionTimeline } from '../../src/session/timeline.js';

const frame = (streamMs: number, durationMs = 100): AudioFrame => ({ data: Buffer.alloc(8), streamMs, durationMs });
const final = (session: number, text: string, startMs: number, endMs: number): RecognitionResult => ({
  type: 'final', text, final: true, endOfUtterance: true, finalIndex: 0, alternatives: [], session, channelTag: '0', startMs, endMs,
});
const partial = (session: number, text: string): RecognitionResult => ({ type: 'partial', text, final: false, endOfUtterance: false, alternatives: [], session, channelTag: '0' });

describe('ReplayBuffer', () => {
  it('trims forward to a final and replays from the frame that holds a position', () => {
    const buffer = new ReplayBuffer(10_000);
    for (let t = 0; t < 1000; t += 100) buffer.add(frame(t));
    buffer.trimTo(350);
    expect(buffer.startMs).toBe(300);
    expect(buffer.from(520).map((f) => f.streamMs)).toEqual([500, 600, 700, 800, 900]);
    expect(buffer.durationMs).toBe(700);
  });

  it('is bounded, and counts what fell off', () => {
    const buffer = new ReplayBuffer(500);
    for (let t = 0; t < 1000; t += 100) buffer.add(frame(t));
    expect(buffer.durationMs).toBe(500);
    expect(buffer.startMs).toBe(500);
    expect(buffer.overflowMs).toBe(500);
  });
});

describe('ResultGate', () => {
  it('passes a live session through and never emits a final twice', () => {
    const gate = new ResultGate();
    gate.open(0);
    expect(gate.accept(0, [partial(0, '1'), final(0, '12', 100, 300)]).map((r) => r.text)).toEqual(['1', '12']);
    expect(gate.accept(0, [final(0, '12', 100, 300)])).toEqual([]);
  });

  it('drops what a replaced session says about audio the next session replays', () => {
    const gate = new ResultGate();
    gate.open(0);
    gate.accept(0, [final(0, 'a', 0, 100)]);
    gate.open(1);
    gate.replace(0, undefined);
    expect(gate.accept(0, [partial(0, 'b'), final(0, 'b', 200, 300)])).toEqual([]);
    expect(gate.accept(1, [final(1, 'b', 200, 300)]).map((r) => r.text)).toEqual(['b']);
  });

  it('when the replay was cut short, keeps the old session\'s earlier finals and holds the new one\'s until it ends', () => {
    const gate = new ResultGate();
    gate.open(0);
    gate.open(1);
    gate.replace(0, 5_000);
    expect(gate.accept(1, [final(1, 'late', 6_000, 6_500)])).toEqual([]);
    expect(gate.accept(0, [final(0, 'early', 4_000, 4_800), final(0, 'dup', 5_500, 5_900)]).map((r) => r.text)).toEqual(['early']);
    expect(gate.end(0).map((r) => r.text)).toEqual(['late']);
  });
});

describe('SessionTimeline', () => {
  it('maps session time to stream time around inserted keep-alive silence', () => {
    const timeline = new SessionTimeline(60_000);
    expect(timeline.toStreamMs(500)).toBe(60_500);
    // 1 s of user audio, then 300 ms of keep-alive silence, then user audio from stream 61 000.
    timeline.mark(1_300, 61_000);
    expect(timeline.toStreamMs(1_300)).toBe(61_000);
    expect(timeline.toStreamMs(1_800)).toBe(61_500);
    expect(timeline.toStreamMs(900)).toBe(60_900);
  });
});

describe('ReplayBuffer records', () => {
  it('gives back plain frames as views of the very same bytes, and other frames as they were, through growth and trimming', () => {
    const buffer = new ReplayBuffer(1_000_000);
    const slab = Buffer.alloc(100 * 64);
    const frames: AudioFrame[] = [];
    let kept = 0;
    for (let k = 0; k < 100; k++) {
      const data = slab.subarray(k * 64 + 8, k * 64 + 8 + 40 + (k % 7));
      data.fill(k);
      // Every third one is a frame with more to it than bytes and times (an Ogg page's, say).
      const f: AudioFrame = k % 3 === 0 ? { data, streamMs: k * 100, durationMs: 100, silent: k % 2 === 0 } : new PlainFrame(data, k * 100, 100);
      frames.push(f);
      buffer.add(f);
      // Trim now and then, as finals come, so the records move and the arrays grow and compact.
      if (k % 10 === 9) {
        kept = k - 4;
        buffer.trimTo(kept * 100);
      }
    }
    const replay = buffer.from(0);
    expect(replay.map((f) => f.streamMs)).toEqual(frames.slice(kept).map((f) => f.streamMs));
    replay.forEach((f, i) => {
      const original = frames[kept + i]!;
      if (original instanceof PlainFrame) {
        expect(f).toBeInstanceOf(PlainFrame);
        expect(f.data.equals(original.data)).toBe(true);
        expect(f.data.buffer).toBe(original.data.buffer);
        expect(f.data.byteOffset).toBe(original.data.byteOffset);
      } else {
        expect(f).toBe(original);
      }
    });
    expect(buffer.durationMs).toBe((100 - kept) * 100);
    buffer.clear();
    expect(buffer.startMs).toBeUndefined();
    expect(buffer.from(0)).toEqual([]);
  });
});
