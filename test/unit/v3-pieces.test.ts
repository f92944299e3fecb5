import { describe, expect, it } from 'vitest';
import { PcmFramer } from '../../src/audio/pcm-framer.js';
import { EouMarks } from '../../src/session/eou-marks.js';
import type { RecognitionResult } from '../../src/results.js';
import { FinalHold } from '../../src/session/final-hold.js';
import { ResultGate } from '../../src/session/result-gate.js';
import { sendAsSilence } from '../../src/session/silence.js';
import { SessionTimeline } from '../../src/session/timeline.js';

describe('PcmFramer.cut', () => {
  it('ends a frame exactly at the audio written so far, and frames resume at full size after it', () => {
    const framer = new PcmFramer(8000, 100); // 1600 bytes per frame
    framer.append(Buffer.alloc(4000)); // 250 ms
    expect(framer.cut()).toBe(250);
    framer.append(Buffer.alloc(3200));
    const sizes: number[] = [];
    for (let f = framer.next(false); f; f = framer.next(false)) sizes.push(f.data.length);
    expect(sizes).toEqual([1600, 1600, 800, 1600, 1600]);
    expect(framer.positionMs).toBe(450);
  });

  it('never cuts inside a sample, and a cut with nothing new adds no empty frame', () => {
    const framer = new PcmFramer(8000, 100);
    framer.append(Buffer.alloc(1001));
    expect(framer.cut()).toBe(62.5);
    expect(framer.cut()).toBe(62.5);
    framer.append(Buffer.alloc(1599));
    expect(framer.next(false)!.data.length).toBe(1000);
    expect(framer.next(false)!.data.length).toBe(1600);
    expect(framer.next(false)).toBeUndefined();
  });
});

describe('EouMarks', () => {
  it('is due once the audio before it was sent, keeps sent marks until confirmed, and requeues them for a replay', () => {
    const marks = new EouMarks();
    expect(marks.add(250)).toBe(true);
    expect(marks.add(250)).toBe(false);
    expect(marks.add(900)).toBe(true);
    expect(marks.waitsBeyond(200)).toBe(true);
    expect(marks.dueAt(200)).toBe(false);
    expect(marks.dueAt(250)).toBe(true);
    marks.take();
    expect(marks.dueAt(800)).toBe(false);
    marks.requeue(100);
    expect(marks.size).toBe(2);
    expect(marks.dueAt(250)).toBe(true);
    marks.take();
    marks.confirm(300);
    marks.requeue(300);
    expect(marks.size).toBe(1);
    expect(marks.dueAt(899)).toBe(false);
    expect(marks.dueAt(900)).toBe(true);
  });
});

describe('FinalHold', () => {
  it('holds confirmations while a refinement is owed and releases the furthest one after', () => {
    const hold = new FinalHold({ refinement: true, endOfUtterance: false });
    expect(hold.offer(100)).toBe(100);
    hold.final(0);
    expect(hold.offer(900)).toBeUndefined();
    hold.final(1);
    expect(hold.offer(1_500)).toBeUndefined();
    hold.refinement(0);
    expect(hold.release()).toBeUndefined();
    hold.refinement(1);
    expect(hold.release()).toBe(1_500);
    expect(hold.release()).toBeUndefined();
    hold.final(2);
    hold.offer(2_000);
    hold.reset();
    expect(hold.offer(50)).toBe(50);
  });

  it('holds until the end of the utterance when one is owed, and holds nothing when nothing follows finals', () => {
    const hold = new FinalHold({ refinement: false, endOfUtterance: true });
    hold.final(0);
    hold.final(1);
    expect(hold.offer(700)).toBeUndefined();
    hold.endOfUtterance();
    expect(hold.release()).toBe(700);
    const v2 = new FinalHold({ refinement: false, endOfUtterance: false });
    v2.final(0);
    expect(v2.offer(700)).toBe(700);
  });
});

describe('silence compression and the session timeline', () => {
  const frame = (durationMs: number) => ({ data: Buffer.alloc(16), streamMs: 0, durationMs });

  it('sends a silent frame as a duration only deep in a pause and only in whole milliseconds', () => {
    const policy = { afterMs: 500 };
    expect(sendAsSilence(policy, 500, frame(100), true)).toBe(true);
    expect(sendAsSilence(policy, 400, frame(100), true)).toBe(false);
    expect(sendAsSilence(policy, 900, frame(100), false)).toBe(false);
    expect(sendAsSilence(policy, 900, frame(62.5), true)).toBe(false);
    expect(sendAsSilence(undefined, 900, frame(100), true)).toBe(false);
  });

  it('maps times inside inserted keep-alive silence to where the silence was', () => {
    const timeline = new SessionTimeline(1_000);
    timeline.markInserted(300, 1_300);
    timeline.mark(3_300, 1_300);
    expect(timeline.toStreamMs(200)).toBe(1_200);
    expect(timeline.toStreamMs(2_000)).toBe(1_300);
    expect(timeline.toStreamMs(3_400)).toBe(1_400);
  });
});

describe('ResultGate with API v3 results', () => {
  const common = (session: number) => ({ alternatives: [], session, channelTag: '0' });
  const final = (session: number, text: string, startMs: number, endMs: number, finalIndex = 0): RecognitionResult =>
    ({ type: 'final', final: true, endOfUtterance: false, text, startMs, endMs, finalIndex, ...common(session) });
  const refined = (session: number, text: string, finalIndex = 0): RecognitionResult =>
    ({ type: 'refinement', final: false, endOfUtterance: false, text, finalIndex, ...common(session) });
  const eou = (session: number, endMs: number): RecognitionResult =>
    ({ type: 'endOfUtterance', final: false, endOfUtterance: true, text: '', endMs, ...common(session) });
  const view = (results: RecognitionResult[]) => results.map((r) => `${r.type}:${r.text}@${r.session}${'finalIndex' in r ? `#${r.finalIndex}` : ''}`);

  it('lets a replaced session end and refine the utterance it finalized, once, even when the next session repeats it', () => {
    const gate = new ResultGate();
    gate.open(0);
    expect(view(gate.accept(0, [final(0, 'one', 100, 300)]))).toEqual(['final:one@0#0']);
    gate.replace(0, undefined);
    gate.open(1);
    // The new session replayed the utterance: its final is a repeat and stands for the one emitted.
    expect(view(gate.accept(1, [final(1, 'one', 100, 300), refined(1, '1')]))).toEqual(['refinement:1@1#0']);
    // The old session's late refinement and end of utterance: the refinement was given, the end not yet.
    expect(view(gate.accept(0, [refined(0, '1'), eou(0, 900)]))).toEqual([]);
    expect(view(gate.accept(1, [eou(1, 900), final(1, 'two', 1_200, 1_400, 1), eou(1, 2_000)]))).toEqual([
      'endOfUtterance:@1', 'final:two@1#1', 'endOfUtterance:@1',
    ]);
  });

  it('passes a late end of utterance from a replaced session when the next one does not repeat the utterance', () => {
    const gate = new ResultGate();
    gate.open(0);
    gate.accept(0, [final(0, 'one', 100, 300), refined(0, '1')]);
    gate.replace(0, undefined);
    gate.open(1);
    expect(view(gate.accept(0, [eou(0, 900)]))).toEqual(['endOfUtterance:@0']);
    expect(view(gate.accept(1, [eou(1, 950)]))).toEqual([]);
  });
});
