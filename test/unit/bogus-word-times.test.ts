import { describe, expect, it } from 'vitest';
import { ErrorCodes, type SpeechKitError } from '../../src/errors.js';
import { v2Final, fakeStream, runClock } from '../helpers/fake-transport.js';

const rate = 8000;
const loud = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0x11);

describe('word times validated against the audio sent', () => {
  it('takes the times off a final timed an hour ahead, with a warning, and later finals still reach the reader', async () => {
    const { clock, transport, stream, results, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0 });
    const warnings: SpeechKitError[] = [];
    stream.on('warning', (w: SpeechKitError) => warnings.push(w));
    stream.write(loud(1_000));
    await runClock(clock, 50);
    const call = transport.calls[0]!;
    call.respond(v2Final('1', 100, 400));
    call.respond(v2Final('bogus', 500, 3_600_000));
    await runClock(clock, 50);
    stream.write(loud(2_000));
    await runClock(clock, 50);
    call.respond(v2Final('2', 1_000, 1_400));
    call.respond(v2Final('3', 2_000, 2_400));
    await runClock(clock, 50);
    expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['1', 'bogus', '2', '3']);
    const bogus = results.find((r) => r.text === 'bogus')!;
    // Its times cannot be trusted: none at result level, word times clamped into the audio sent.
    expect(bogus.endMs).toBeUndefined();
    expect(bogus.alternatives[0]!.words.every((w) => w.endMs <= 1_000)).toBe(true);
    expect(warnings.map((w) => w.code)).toEqual([ErrorCodes.RESULT_TIMES]);
    expect(warnings[0]!.session).toBe(0);
    // The replay was not emptied by the bogus time: a failure now replays audio after the last real final.
    call.finish({ code: 14, details: 'gone' });
    await runClock(clock, 3_000);
    expect(errors).toEqual([]);
    expect(transport.calls[1]!.audio().length).toBeGreaterThan(0);
  });

  it('drops a final with bogus times from a session that heard reported audio again (it cannot be told from a repeat)', async () => {
    // Continuous speech, 4 s sessions: the hard cut's replay starts 1.6 s back, inside what the
    // old session's final reported.
    const { clock, transport, stream, results, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, sessionLimits: { maxAudioMs: 4_000 } });
    const warnings: SpeechKitError[] = [];
    stream.on('warning', (w: SpeechKitError) => warnings.push(w));
    const rollovers: { replayFromMs: number }[] = [];
    stream.on('rollover', (e: { replayFromMs: number }) => rollovers.push(e));
    stream.write(loud(6_000));
    // Past the replay bound unconfirmed audio goes at real time: 2.4 s more to the hard cut.
    await runClock(clock, 3_000);
    expect(rollovers).toHaveLength(1);
    expect(rollovers[0]!.replayFromMs).toBeLessThan(2_500);
    transport.calls[0]!.respond(v2Final('a', 100, 2_500));
    transport.calls[0]!.finish({ code: 0, details: '' });
    // The replay goes at 2× real time: in 1 s the new session has heard up to about 4.2 s.
    await runClock(clock, 1_000);
    const next = transport.calls[1]!;
    // Its times are its own (from its first sample): 'b' is 3.0-3.5 s into the stream.
    const base = rollovers[0]!.replayFromMs;
    next.respond(v2Final('a-again', 100, 3_600_000));
    next.respond(v2Final('b', 3_000 - base, 3_500 - base));
    await runClock(clock, 50);
    expect(errors).toEqual([]);
    expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['a', 'b']);
    expect(warnings.map((w) => w.code)).toEqual([ErrorCodes.RESULT_TIMES]);
    expect(warnings[0]!.message).toMatch(/dropped/);
  });

  it('keeps a final with bogus times that follows, in its session, a final past everything older sessions reported (it is news)', async () => {
    const { clock, transport, stream, results, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, sessionLimits: { maxAudioMs: 4_000 } });
    const warnings: SpeechKitError[] = [];
    stream.on('warning', (w: SpeechKitError) => warnings.push(w));
    const rollovers: { replayFromMs: number }[] = [];
    stream.on('rollover', (e: { replayFromMs: number }) => rollovers.push(e));
    stream.write(loud(6_000));
    await runClock(clock, 3_000);
    expect(rollovers).toHaveLength(1);
    transport.calls[0]!.respond(v2Final('a', 100, 2_500));
    transport.calls[0]!.finish({ code: 0, details: '' });
    await runClock(clock, 1_000);
    const next = transport.calls[1]!;
    const base = rollovers[0]!.replayFromMs;
    // 'b' (3.0–3.5 s) is past the 2.5 s the old session reported: what this session says next is news.
    next.respond(v2Final('b', 3_000 - base, 3_500 - base));
    next.respond(v2Final('c', 3_600 - base, 3_600_000));
    await runClock(clock, 50);
    expect(errors).toEqual([]);
    expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['a', 'b', 'c']);
    expect(warnings.map((w) => w.code)).toEqual([ErrorCodes.RESULT_TIMES]);
    expect(warnings[0]!.message).not.toMatch(/the final was dropped/);
  });
});

describe('a final whose bogus times were taken off (API v3, follow-ups owed)', () => {
  const cursors = (finalTimeMs: number, finalIndex: number) => ({ audio_cursors: { final_time_ms: finalTimeMs, final_index: finalIndex } });
  const alt = (text: string, startMs: number, endMs: number) => ({
    alternatives: [{ text, start_time_ms: startMs, end_time_ms: endMs, words: [{ text, start_time_ms: startMs, end_time_ms: endMs }] }],
  });
  const final = (text: string, startMs: number, endMs: number, finalTimeMs: number, index: number) => ({ Event: 'final', final: alt(text, startMs, endMs), ...cursors(finalTimeMs, index) });
  const quiet = (n: number) => Buffer.alloc((rate * 2 * n) / 1000);

  it('is not said again by the session that replays it: the stream placed it on its speech, and the replay reaches back to an earlier final still owed its follow-ups', async () => {
    const { clock, transport, stream, results, errors } = fakeStream({ api: 'v3', sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0 });
    const warnings: SpeechKitError[] = [];
    stream.on('warning', (w: SpeechKitError) => warnings.push(w));
    const sessions: number[] = [];
    stream.on('session', (info: { baseOffsetMs: number }) => sessions.push(info.baseOffsetMs));
    // Utterance A 0–500 ms, B 1500–2000 ms, then silence.
    stream.write(Buffer.concat([loud(500), quiet(1_000), loud(500), quiet(2_000)]));
    await runClock(clock, 50);
    const first = transport.calls[0]!;
    // A's refinement and end of utterance are still owed (a late service): nothing is confirmed yet.
    first.respond(final('A', 0, 500, 500, 0));
    // B's times are an hour off: the stream takes them off, and places B on its own speech run.
    first.respond(final('B', 3_601_500, 3_602_000, 2_000, 1));
    await runClock(clock, 50);
    expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['A', 'B']);
    expect(warnings.map((w) => w.code)).toEqual([ErrorCodes.RESULT_TIMES]);
    first.finish({ code: 14, details: 'gone' });
    await runClock(clock, 1_000);
    const second = transport.calls[1]!;
    // The replay reaches back to A, whose follow-ups never came: the new session hears A and B again.
    expect(sessions).toEqual([0, 0]);
    second.respond(final('A', 0, 500, 500, 0));
    second.respond(final('B', 1_500, 2_000, 2_000, 1));
    await runClock(clock, 50);
    expect(errors).toEqual([]);
    expect(results.filter((r) => r.final).map((r) => r.text)).toEqual(['A', 'B']);
  });
});
