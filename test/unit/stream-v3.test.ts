import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import type { StatusEvent } from '../../src/results.js';
import { flushMicrotasks, type FakeCall, fakeStream, runClock } from '../helpers/fake-transport.js';

const run = runClock;
const rate = 8000;
const loud = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0x11);
const quiet = (n: number) => Buffer.alloc((rate * 2 * n) / 1000);

const setup = (options: Record<string, unknown> = {}) =>
  fakeStream({ api: 'v3', sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', ...options });


/** What a v3 call was sent, one letter per message: O options, C chunk (with ms), S silence (with ms), E eou. */
function wire(call: FakeCall): string[] {
  return call.writes.map(({ message }) => {
    const m = message as Record<string, any>;
    if (m.session_options) return 'O';
    if (m.chunk) return `C${m.chunk.data.length / 16}`;
    if (m.silence_chunk) return `S${m.silence_chunk.duration_ms}`;
    if (m.eou) return 'E';
    return '?';
  });
}

function chunkBytes(call: FakeCall): Buffer {
  return Buffer.concat(call.writes.map((w) => (w.message as any).chunk?.data).filter(Boolean));
}

/** A v3 response. */
const cursors = (finalTimeMs: number, finalIndex: number) => ({ audio_cursors: { final_time_ms: finalTimeMs, final_index: finalIndex } });
const alt = (text: string, startMs: number, endMs: number) => ({
  alternatives: [{ text, start_time_ms: startMs, end_time_ms: endMs, words: [{ text, start_time_ms: startMs, end_time_ms: endMs }] }],
});
const final = (text: string, startMs: number, endMs: number, finalTimeMs: number, index = 0) => ({ Event: 'final', final: alt(text, startMs, endMs), ...cursors(finalTimeMs, index) });
const refinement = (text: string, startMs: number, endMs: number, index: number, finalTimeMs: number) => ({
  Event: 'final_refinement',
  final_refinement: { final_index: index, normalized_text: alt(text, startMs, endMs) },
  ...cursors(finalTimeMs, index + 1),
});
const eou = (timeMs: number, finalTimeMs: number, finals: number) => ({ Event: 'eou_update', eou_update: { time_ms: timeMs }, ...cursors(finalTimeMs, finals) });

describe('API v3 on a fake clock', () => {
  it('opens with session options and the folder header, and sends audio as chunks', async () => {
    const { clock, transport, stream } = setup({ folderId: 'b1g', pace: 0 });
    stream.write(loud(300));
    await run(clock, 20);
    const call = transport.calls[0]!;
    expect(call.metadata['x-folder-id']).toBe('b1g');
    expect(call.metadata['x-normalize-partials']).toBeUndefined();
    expect(wire(call)).toEqual(['O', 'C100', 'C100', 'C100']);
    expect((call.writes[0]!.message as any).session_options.recognition_model.audio_format.raw_audio).toEqual({
      audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 8000, audio_channel_count: 1,
    });
  });

  it('keeps a paused session alive with silence_chunk durations, off the stream timeline and free of bytes', async () => {
    const { clock, transport, stream, results } = setup({ idle: { policy: 'keepalive', afterMs: 1_000 } });
    stream.write(loud(300));
    await run(clock, 3_500);
    const call = transport.calls[0]!;
    expect(wire(call)).toEqual(['O', 'C100', 'C100', 'C100', 'S100', 'S100', 'S100']);
    stream.write(loud(200));
    await run(clock, 300);
    // The service places the resumed audio after 300 ms of audio and 300 ms of silence.
    call.respond(final('x', 600, 700, 800));
    await flushMicrotasks();
    expect(results[0]).toMatchObject({ type: 'final', startMs: 300, endMs: 400, finalIndex: 0 });
  });

  it('with compressSilence sends the rest of a long pause as durations, and speech as bytes', async () => {
    const { clock, transport, stream } = setup({ pace: 0, compressSilence: { afterMs: 200 } });
    stream.write(Buffer.concat([loud(200), quiet(700), loud(100), quiet(150)]));
    stream.end();
    await run(clock, 50);
    const call = transport.calls[0]!;
    // Then silence up to 1 s after the last speech, so the service finalizes it by itself (EndFlush).
    expect(wire(call)).toEqual(['O', 'C100', 'C100', 'C100', 'C100', 'S100', 'S100', 'S100', 'S100', 'S100', 'C100', 'C100', 'C50', ...Array(9).fill('S100')]);
    expect(chunkBytes(call).length).toBe((200 + 200 + 100 + 150) * 16);
  });

  it('sends an end-of-utterance mark right after the audio written before it, flushing a short frame, even while pacing holds audio back', async () => {
    const { clock, transport, stream, errors } = setup({ eouClassifier: 'external' });
    stream.write(loud(250));
    stream.markEndOfUtterance();
    stream.write(loud(200));
    stream.markEndOfUtterance();
    stream.markEndOfUtterance(); // a second mark at the same place adds nothing
    await run(clock, 1_000);
    expect(wire(transport.calls[0]!)).toEqual(['O', 'C100', 'C100', 'C50', 'E', 'C100', 'C100', 'E']);
    expect(errors).toEqual([]);
  });

  it('replays an end-of-utterance mark in its place when a session fails before finalizing it', async () => {
    const { clock, transport, stream } = setup({ pace: 0, eouClassifier: 'external', textNormalization: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    stream.write(loud(200));
    stream.markEndOfUtterance();
    stream.write(loud(200));
    await run(clock, 20);
    expect(wire(transport.calls[0]!)).toEqual(['O', 'C100', 'C100', 'E', 'C100', 'C100']);
    transport.calls[0]!.finish({ code: 14, details: 'unavailable' });
    await run(clock, 50);
    expect(wire(transport.calls[1]!)).toEqual(['O', 'C100', 'C100', 'E', 'C100', 'C100']);
    // Once finals cover the mark, a further failure does not send it again.
    transport.calls[1]!.respond(final('x', 50, 150, 200));
    transport.calls[1]!.respond(eou(200, 200, 1));
    await flushMicrotasks();
    transport.calls[1]!.finish({ code: 14, details: 'unavailable' });
    await run(clock, 50);
    expect(wire(transport.calls[2]!)).toEqual(['O', 'C100', 'C100']);
  });

  it('replays from the final cursor, not from the last word: the trailing silence is final too', async () => {
    const { clock, transport, stream } = setup({ pace: 0, textNormalization: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    stream.write(loud(3_000));
    await run(clock, 20);
    const first = transport.calls[0]!;
    first.respond(final('a', 500, 1_000, 1_600));
    first.respond(eou(1_600, 1_600, 1));
    await flushMicrotasks();
    first.finish({ code: 14, details: 'unavailable' });
    await run(clock, 50);
    expect(chunkBytes(transport.calls[1]!).length).toBe(loud(1_400).length);
  });

  it('does not count a final as done until its utterance ended: a session lost in between is replayed, and the end comes once', async () => {
    const { clock, transport, stream, results } = setup({ pace: 0, textNormalization: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    stream.write(loud(3_000));
    await run(clock, 20);
    transport.calls[0]!.respond(final('a', 500, 1_000, 1_600));
    await flushMicrotasks();
    transport.calls[0]!.finish({ code: 14, details: 'unavailable' });
    await run(clock, 50);
    const second = transport.calls[1]!;
    expect(chunkBytes(second).length).toBe(loud(3_000).length);
    second.respond(final('a', 500, 1_000, 1_600));
    second.respond(eou(1_600, 1_600, 1));
    await flushMicrotasks();
    expect(results.map((r) => `${r.type}:${r.text}@${r.session}`)).toEqual(['final:a@0', 'endOfUtterance:@1']);
  });

  it('does not count a final as done until its refinement came: after a failure in between, exactly one refinement', async () => {
    const { clock, transport, stream, results } = setup({ pace: 0, partialResults: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    stream.write(loud(3_000));
    await run(clock, 20);
    const first = transport.calls[0]!;
    first.respond(final('one two', 500, 1_000, 1_600));
    await flushMicrotasks();
    first.finish({ code: 14, details: 'unavailable' });
    await run(clock, 50);
    const second = transport.calls[1]!;
    // All of it is replayed: the refinement of the final at 500–1000 ms is still owed.
    expect(chunkBytes(second).length).toBe(loud(3_000).length);
    second.respond(final('one two', 500, 1_000, 1_600));
    second.respond(refinement('12', 500, 1_000, 0, 1_600));
    second.respond(eou(1_600, 1_600, 1));
    await flushMicrotasks();
    expect(results.map((r) => [r.type, r.text, 'finalIndex' in r ? r.finalIndex : null])).toEqual([
      ['final', 'one two', 0],
      ['refinement', '12', 0],
      ['endOfUtterance', '', null],
    ]);
    // With the refinement in, the cursor confirms: the next failure replays from 1 600 ms.
    second.finish({ code: 14, details: 'unavailable' });
    await run(clock, 50);
    expect(chunkBytes(transport.calls[2]!).length).toBe(loud(1_400).length);
  });

  it('an end-of-utterance rollover while the next utterance is spoken replays that utterance whole (it follows the last within rollover.silenceMs)', async () => {
    const { clock, transport, stream } = setup({ pace: 0, sessionLimits: { maxAudioMs: 6_000 }, rollover: { silenceMs: 2_000 } });
    const rollovers: RolloverEvent[] = [];
    stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
    // Utterance A 3.5–4.0 s, then B 900 ms later (4.9–5.3 s): one speech run for the stream.
    stream.write(Buffer.concat([quiet(3_500), loud(500), quiet(900), loud(400), quiet(200)]));
    await run(clock, 20);
    const first = transport.calls[0]!;
    // A's final, its refinement and its end come late (the cursor 400 ms after A), B's final is still owed.
    first.respond(final('a', 3_500, 4_000, 4_400));
    first.respond(refinement('A', 3_500, 4_000, 0, 4_400));
    first.respond(eou(4_400, 4_400, 1));
    await run(clock, 20);
    expect(rollovers).toMatchObject([{ reason: 'end-of-utterance', fromSession: 0, atMs: 5_500 }]);
    // The next session hears B whole, from A's cursor: nothing of B is left to the half-closed session.
    expect(rollovers[0]!.replayFromMs).toBe(4_400);
    expect(chunkBytes(transport.calls[1]!).length).toBe(loud(5_500 - 4_400).length);
  });

  it('numbers finals across sessions, keeps a late refinement from a replaced session, and emits status events', async () => {
    const { clock, transport, stream, results } = setup({ pace: 0, sessionLimits: { maxAudioMs: 2_000 } });
    const statuses: StatusEvent[] = [];
    stream.on('status', (s: StatusEvent) => statuses.push(s));
    stream.write(loud(1_000));
    await run(clock, 20);
    const first = transport.calls[0]!;
    first.respond({ Event: 'status_code', status_code: { code_type: 'WORKING', message: 'alive' } });
    first.respond(final('one', 100, 300, 900));
    first.respond(eou(900, 900, 1));
    await flushMicrotasks();
    stream.write(loud(1_000));
    // Unconfirmed audio past the replay bound (800 ms here) goes at real time.
    await run(clock, 2_000);
    // Cut at 95 % of 2 s; the refinement of "one" is owed, so the replay reaches back as far as it may (800 ms).
    expect(transport.calls).toHaveLength(2);
    const second = transport.calls[1]!;
    expect(chunkBytes(second).length).toBe(loud(900).length);
    // The old session's late refinement still belongs to its final; the new session waits for it to end.
    first.respond(refinement('1', 100, 300, 0, 900));
    second.respond(final('two', 100, 300, 500));
    second.respond(refinement('2', 100, 300, 0, 500));
    await flushMicrotasks();
    expect(results.map((r) => r.type)).toEqual(['final', 'endOfUtterance', 'refinement']);
    first.finish();
    await flushMicrotasks();
    expect(results.map((r) => [r.type, r.text, r.session, 'finalIndex' in r ? r.finalIndex : null, r.startMs ?? null])).toEqual([
      ['final', 'one', 0, 0, 100],
      ['endOfUtterance', '', 0, null, null],
      ['refinement', '1', 0, 0, 100],
      ['final', 'two', 1, 1, 1_200],
      ['refinement', '2', 1, 1, 1_200],
    ]);
    expect(statuses).toEqual([{ session: 0, code: 'WORKING', message: 'alive' }]);
  });

  it('singleUtterance: ends after the first end of utterance, still delivering its refinement', async () => {
    const { clock, transport, stream, results } = setup({ pace: 0, singleUtterance: true });
    let ended = false;
    stream.on('end', () => (ended = true));
    stream.write(loud(1_000));
    await run(clock, 20);
    const call = transport.calls[0]!;
    call.respond(final('one', 100, 300, 900));
    call.respond(eou(900, 900, 1));
    await flushMicrotasks();
    expect(call.halfClosed).toBe(true);
    call.respond(refinement('1', 100, 300, 0, 900));
    call.respond(final('late', 950, 990, 1_000, 1));
    call.finish();
    stream.end();
    await run(clock, 20);
    expect(results.map((r) => r.type)).toEqual(['final', 'endOfUtterance', 'refinement']);
    expect(ended).toBe(true);
  });

  it('does not confirm audio on a cursor that counts finals not received yet (a loaded service sends the final later than a partial that already counts it)', async () => {
    const { clock, transport, stream, results } = setup({ pace: 0 });
    stream.write(Buffer.concat([loud(1_000), quiet(1_000), loud(1_000)]));
    await run(clock, 20);
    const first = transport.calls[0]!;
    // A partial whose cursors say one final is made, up to 2 s: the final itself is still on its way.
    first.respond({ Event: 'partial', partial: alt('four', 2_000, 2_500), ...cursors(2_000, 1) });
    await flushMicrotasks();
    first.finish({ code: 14, details: 'unavailable' });
    await run(clock, 1_000);
    // Nothing was finalized that the stream has seen: the next session hears everything again.
    expect(chunkBytes(transport.calls[1]!).length).toBe(loud(3_000).length);
    expect(results.filter((r) => r.final)).toEqual([]);
  });
});

