import { describe, expect, it } from 'vitest';
import type { ClassifierResult, RecognitionResult } from '../../src/results.js';
import { ResultGate } from '../../src/session/result-gate.js';
import { seededRandom } from '../helpers/dialled.js';

/**
 * Random schedules of sessions over one stream of utterances: each session replays from some
 * utterance at or before the first whose classification was not emitted yet (as far back as two
 * more), times what it hears a few ms off the last session's grid, and may die anywhere (between
 * a final and its classification too) or, rolled over, drain the utterance it was in. Whatever happens, each utterance's final and its
 * classification reach the reader exactly once, in audio order.
 */
const UTTERANCES = 40;
const span = (u: number) => ({ startMs: 1_000 + u * 1_500, endMs: 1_000 + u * 1_500 + 800 });

function final(session: number, u: number, jitter: number): RecognitionResult {
  const { startMs, endMs } = span(u);
  return { type: 'final', text: String(u), final: true, endOfUtterance: false, finalIndex: u, alternatives: [], session, channelTag: '0', startMs: startMs + jitter, endMs: endMs + jitter };
}
function classified(session: number, u: number, jitter: number): ClassifierResult {
  const { startMs, endMs } = span(u);
  return {
    type: 'classifier', text: '', alternatives: [], final: false, endOfUtterance: false, session, channelTag: '0', window: 'utterance',
    startMs: startMs + jitter, endMs: endMs + jitter + 200, classifier: 'answerphone', labels: [{ label: 'answerphone', confidence: u % 2 }], highlights: [],
  };
}

function run(seed: number): RecognitionResult[] {
  const random = seededRandom(seed);
  const gate = new ResultGate();
  const out: RecognitionResult[] = [];
  let classifiedUpTo = 0;
  let session = 0;
  gate.open(0);
  // Bounded: a gate that loses a classification would leave the loop waiting for it forever.
  while (classifiedUpTo < UTTERANCES && session < 20 * UTTERANCES) {
    const from = Math.max(0, classifiedUpTo - Math.floor(random() * 3));
    const jitter = Math.round(random() * 20) - 10;
    // Dies after this many results (or hears to the end).
    const dies = random() < 0.6 ? Math.floor(random() * 12) : Infinity;
    let sent = 0;
    for (let u = from; u < UTTERANCES && sent < dies; u++) {
      const emitted = gate.accept(session, [final(session, u, jitter)]);
      out.push(...emitted);
      if (++sent >= dies) break;
      const after = gate.accept(session, [classified(session, u, jitter)]);
      out.push(...after);
      sent++;
      // Confirmed once classified: a replay need not reach back before it (but may).
      classifiedUpTo = out.filter((r) => r.type === 'classifier').length;
    }
    // Replaced (by a rollover or after a failure): the next session replays; the old one then ends.
    gate.replace(session, undefined);
    gate.open(session + 1);
    // A rolled-over session drains: it may still finalize and classify the utterance it was in.
    const last = from + Math.ceil(sent / 2) - 1;
    if (dies !== Infinity && random() < 0.5 && last + 1 < UTTERANCES) {
      out.push(...gate.accept(session, [final(session, last + 1, jitter), classified(session, last + 1, jitter)]));
    }
    out.push(...gate.end(session));
    session++;
  }
  out.push(...gate.end(session));
  return out;
}

describe('the result gate over random schedules of replays and failures (seeded)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: each utterance\'s final and classification exactly once, in audio order', (seed) => {
    const out = run(seed);
    const finals = out.filter((r) => r.type === 'final');
    const classifications = out.filter((r): r is ClassifierResult => r.type === 'classifier');
    expect(finals.map((r) => r.text)).toEqual(Array.from({ length: UTTERANCES }, (_, u) => String(u)));
    const utteranceOf = (c: ClassifierResult) => Math.round((c.startMs! - 1_000) / 1_500) + 0;
    expect(classifications.map(utteranceOf)).toEqual(Array.from({ length: UTTERANCES }, (_, u) => u));
    // Each classification comes after its utterance's final.
    for (const c of classifications) expect(out.indexOf(c)).toBeGreaterThan(out.indexOf(finals[utteranceOf(c)]!));
  });
});
