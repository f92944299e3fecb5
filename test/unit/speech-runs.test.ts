import { describe, expect, it } from 'vitest';
import type { RecognitionResult } from '../../src/results.js';
import { ResultGate } from '../../src/session/result-gate.js';
import { GIVE_UP_WALL_MS, SILENCE_LEAD_MS, SpeechRuns } from '../../src/session/speech-runs.js';

const timeless = (session: number, text: string): RecognitionResult => ({
  type: 'final', text, final: true, endOfUtterance: true, finalIndex: 0, alternatives: [], session, channelTag: '0',
});

/** Feeds 100 ms frames: `pattern` has one character per frame, 's' speech, '.' silence. */
function feed(runs: SpeechRuns, pattern: string, from = 0, confirmedMs = 0, now = 0): number | undefined {
  let confirm: number | undefined;
  for (let i = 0; i < pattern.length; i++) confirm = runs.frame(from + i * 100, 100, pattern[i] === '.', now, confirmedMs) ?? confirm;
  return confirm;
}

describe('SpeechRuns', () => {
  it('confirms a pause as it goes, keeping a lead-in, but never past speech still awaiting its final', () => {
    const runs = new SpeechRuns(400);
    expect(feed(runs, '..........')).toBe(1_000 - SILENCE_LEAD_MS);
    expect(feed(runs, 'sss......', 1_000, 500)).toBeUndefined();
    // Its final (no word times) ends the oldest run: confirm everything heard, then the pause flows again.
    expect(runs.claimTimeless(1_900)).toEqual({ confirmMs: 1_900, run: { startMs: 1_000, endMs: 1_300 } });
    runs.trim(1_900);
    expect(feed(runs, '......', 1_900, 1_900)).toBe(2_500 - SILENCE_LEAD_MS);
  });

  it('a short sound just after a confirmed point still awaits its final (it is not trimmed with the run before)', () => {
    const runs = new SpeechRuns(400);
    feed(runs, 'ss....s');
    // A cut (the replay bound) just before the 100 ms sound at 600 ms: the sound is still owed.
    runs.trim(550);
    expect(feed(runs, '..........', 700, 550)).toBeUndefined();
    expect(runs.cut(1_300, 1_300, 1_700, 550)).toMatchObject({ startMs: 1_300, owedFinals: 1, oldOwns: true });
  });

  it('speech resuming after the confirmed point inside one run (a pause under gapMs) still awaits its final', () => {
    // An end-of-utterance rollover with silenceMs 2000: utterances 900 ms apart make one run.
    const runs = new SpeechRuns(2_000);
    feed(runs, 'sssss.........ssss..');
    // The first utterance's final (its cursor 400 ms after its end) confirms up to 900 ms.
    runs.trim(900);
    // The next utterance (1400–1800 ms) is still owed: no silence confirmed past it, and a cut replays it whole.
    expect(feed(runs, '....', 2_000, 900)).toBeUndefined();
    expect(runs.cut(900, 900, 2_400, 900)).toMatchObject({ startMs: 900, oldOwns: false });
    // Its own final ends the run.
    runs.trim(1_900);
    expect(feed(runs, '..........', 2_400, 1_900)).toBe(3_400 - SILENCE_LEAD_MS);
  });

  it('a timeless final ends the oldest run only, up to the next one\'s lead-in', () => {
    const runs = new SpeechRuns(400);
    feed(runs, '..ss......ss..');
    expect(runs.claimTimeless(1_400)).toEqual({ confirmMs: 1_000 - SILENCE_LEAD_MS, run: { startMs: 200, endMs: 400 } });
    expect(runs.claimTimeless(1_400)).toEqual({ confirmMs: 1_400, run: { startMs: 1_000, endMs: 1_200 } });
    // More finals than runs: the last one confirms everything sent, and is placed on no run.
    expect(runs.claimTimeless(1_400)).toEqual({ confirmMs: 1_400, run: undefined });
  });

  it('a cut short of a run a timed final covered (its confirmation held) owes only the runs no final covered', () => {
    // v3 with late follow-ups: the first run's final came with times, the second's did not come yet.
    const runs = new SpeechRuns(400);
    feed(runs, '..ss......ss......ss..');
    runs.claimSpan(200, 400);
    const cut = runs.cut(1_700, 1_700, 2_200, 0);
    expect(cut.owedRuns).toEqual([{ startMs: 1_000, endMs: 1_200 }]);
    expect(cut).toMatchObject({ owedFinals: 1, oldOwns: true, ownedFromMs: 1_000 });
    // Both covered: nothing is owed, and the old session keeps nothing.
    runs.claimSpan(1_000, 1_200);
    expect(runs.cut(1_700, 1_700, 2_200, 0)).toMatchObject({ owedRuns: [], owedFinals: 0, oldOwns: false });
  });

  it('a timeless final after a timed one whose confirmation is held is taken for the next run, not that one', () => {
    // v3 with a late refinement: the first utterance's timed final holds its confirmation, and a
    // final that lost its (absurd) times comes before the refinement does.
    const runs = new SpeechRuns(400);
    feed(runs, '..ss......ss......');
    runs.claimSpan(200, 400);
    expect(runs.claimTimeless(1_800)).toEqual({ confirmMs: 1_800, run: { startMs: 1_000, endMs: 1_200 } });
  });

  it('gives up on a sound that never gets a final, once its final is long overdue in audio and in time', () => {
    const runs = new SpeechRuns(400);
    feed(runs, 's');
    expect(feed(runs, '.'.repeat(30), 100, 0, 0)).toBeUndefined();
    expect(feed(runs, '.', 3_100, 0, GIVE_UP_WALL_MS)).toBe(3_200 - SILENCE_LEAD_MS);
  });

  it('never gives up on speech whose pauses are too short for a stalled service to be noticed (the next cut still owes it)', () => {
    // A v2 session that stopped answering while utterances come 800 ms apart: no pause makes the
    // stall watch expect a final, so only the cut can hand that speech on.
    const runs = new SpeechRuns(400);
    let at = 0;
    for (let i = 0; i < 6; i++, at += 1_300) feed(runs, 'sssss........', at, 0, i * 2 * GIVE_UP_WALL_MS);
    expect(feed(runs, '.', at, 0, 20 * GIVE_UP_WALL_MS)).toBeUndefined();
    const cut = runs.cut(at - 2_000, at - 2_000, at + 100, 0);
    expect(cut.owedRuns.map((r) => r.startMs)).toEqual([0, 1_300, 2_600, 3_900, 5_200]);
    expect(cut).toMatchObject({ owedFinals: 5, oldOwns: true, ownedFromMs: 0 });
  });

  it('cuts in a pause: the old session keeps a finished run it must still finalize; mid-speech only with no pause in reach', () => {
    const runs = new SpeechRuns(400);
    feed(runs, 'sssss.....sss');
    // Reach from 800: the first run ended before it, the second started after it.
    expect(runs.cut(800, 500, 1_300, 0)).toMatchObject({ startMs: 800, owedFinals: 1, unreplayedFromMs: undefined, oldOwns: true });
    const long = new SpeechRuns(400);
    feed(long, 'sss.sssss.sssss');
    // Speech since 0 with 100 ms gaps only, reach from 600 (900 stretched): the first quiet moment after 600.
    expect(long.cut(600, 900, 1_500, 0)).toMatchObject({ startMs: 900, owedFinals: 0, unreplayedFromMs: 0, oldOwns: true });
  });
});

describe('ResultGate with finals without word times', () => {
  it('a replaced session keeps as many timeless finals as it owes; the rest are dropped and handed to the seam', () => {
    const gate = new ResultGate();
    gate.open(0);
    gate.open(1);
    gate.replace(0, 2_000, 1);
    expect(gate.accept(1, [timeless(1, 'new')])).toEqual([]);
    expect(gate.accept(0, [timeless(0, 'owed'), timeless(0, 'heard again')]).map((r) => r.text)).toEqual(['owed']);
    expect(gate.end(0).map((r) => r.text)).toEqual(['new']);
    expect(gate.takeDropped(0).map((r) => r.text)).toEqual(['heard again']);
  });
});
