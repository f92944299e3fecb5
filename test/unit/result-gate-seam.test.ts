import { describe, expect, it } from 'vitest';
import type { RecognitionResult } from '../../src/results.js';
import { ResultGate, SEAM_TOLERANCE_MS } from '../../src/session/result-gate.js';

const final = (session: number, text: string, startMs: number, endMs: number): RecognitionResult => ({
  type: 'final', text, final: true, endOfUtterance: true, finalIndex: 0, alternatives: [], session, channelTag: '0', startMs, endMs,
});

/** A final with one word per entry: [text, startMs, endMs]. */
const timed = (session: number, words: [string, number, number][]): RecognitionResult => ({
  type: 'final', text: words.map((w) => w[0]).join(''), final: true, endOfUtterance: true, finalIndex: 0, session, channelTag: '0',
  startMs: words[0]![1], endMs: words[words.length - 1]![2],
  alternatives: [{ text: words.map((w) => w[0]).join(''), confidence: 1, words: words.map(([text, startMs, endMs]) => ({ text, startMs, endMs, confidence: 1 })) }],
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

describe('ResultGate at a cut inside speech, with word times', () => {
  it('drops from the next session\'s final the words the replaced one already reported', () => {
    const gate = new ResultGate();
    gate.open(0);
    gate.open(1);
    // The new session's replay starts at 1 500, inside the utterance the old session was cut in at 1 700.
    gate.replace(0, 1_500);
    expect(gate.accept(0, [timed(0, [['1', 1_000, 1_100], ['2', 1_200, 1_300], ['3', 1_400, 1_500], ['4', 1_600, 1_700]])]).map((r) => r.text)).toEqual(['1234']);
    gate.end(0);
    const [next] = gate.accept(1, [timed(1, [['3', 1_420, 1_500], ['4', 1_600, 1_720], ['5', 1_800, 1_900], ['6', 2_000, 2_100]])]);
    expect(next).toMatchObject({ text: '56', startMs: 1_800, endMs: 2_100 });
    expect(next!.alternatives[0]!.words.map((w) => w.text)).toEqual(['5', '6']);
  });
});

describe('ResultGate at a hard cut through a word', () => {
  it('a word the replaced session heard the start of is not reported again when the next one hears it whole', () => {
    const gate = new ResultGate();
    gate.open(0);
    // Cut at 1 640 ms, 40 ms into the tone '4' (1 600-1 720): the old session still reports it.
    expect(gate.accept(0, [timed(0, [['3', 1_400, 1_500], ['4', 1_600, 1_640]])]).map((r) => r.text)).toEqual(['34']);
    gate.replace(0, undefined);
    gate.open(1);
    const [next] = gate.accept(1, [timed(1, [['4', 1_600, 1_720], ['5', 1_800, 1_900]])]);
    expect(next).toMatchObject({ text: '5', startMs: 1_800, endMs: 1_900 });
  });

  it('a final holding only that word is a repeat, not an empty final', () => {
    const gate = new ResultGate();
    gate.open(0);
    expect(gate.accept(0, [timed(0, [['3', 1_400, 1_500], ['4', 1_600, 1_640]])])).toHaveLength(1);
    gate.replace(0, undefined);
    gate.open(1);
    expect(gate.accept(1, [timed(1, [['4', 1_605, 1_720]])])).toEqual([]);
    expect(gate.accept(1, [timed(1, [['7', 2_000, 2_100]])]).map((r) => [r.text, (r as { finalIndex: number }).finalIndex])).toEqual([['7', 1]]);
  });
});
