import { describe, expect, it } from 'vitest';
import type { RecognitionResult } from '../../src/results.js';
import { ResultGate, SEAM_TOLERANCE_MS } from '../../src/session/result-gate.js';

const final = (session: number, text: string, startMs: number, endMs: number): RecognitionResult => ({
  type: 'final', text, final: true, endOfUtterance: true, finalIndex: 0, alternatives: [], session, channelTag: '0', startMs, endMs,
});

describe('ResultGate at a replay seam', () => {
  it('drops the tail of the last word heard again by the next session, timed a little later', () => {
    const gate = new ResultGate();
    gate.open(0);
    expect(gate.accept(0, [final(0, '4833', 1000, 1240)])).toHaveLength(1);
    gate.replace(0, undefined);
    gate.open(1);
    // The new session starts at the frame holding 1 240 ms and hears the last tone's tail, on a grid 3.5 ms off.
    expect(gate.accept(1, [final(1, '3', 1173.5, 1243.5)])).toEqual([]);
    expect(gate.accept(1, [final(1, '3', 1173.5, 1240 + SEAM_TOLERANCE_MS)])).toEqual([]);
    // The next utterance is news, however short.
    expect(gate.accept(1, [final(1, '68', 1250, 1240 + SEAM_TOLERANCE_MS + 1)]).map((r) => r.text)).toEqual(['68']);
  });
});
