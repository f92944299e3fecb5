import { afterEach, describe, expect, it, vi } from 'vitest';
import { channels, DiagnosticsChannels as C } from '../../src/diagnostics/channels.js';
import { SendTimes } from '../../src/diagnostics/send-times.js';
import { StreamProbe } from '../../src/diagnostics/stream-probe.js';
import { createSessionStartLimiter, isSessionStartLimiter } from '../../src/session/start-limiter.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { fakeStream, flushMicrotasks, runClock, v2Final } from '../helpers/fake-transport.js';
import { listen } from './helpers.js';

const rate = 8000;
const loud = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000, 0x11);
const setup = (options: Record<string, unknown> = {}, clock?: FakeClock) =>
  fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', partialResults: true, startLimiter: false, ...options }, clock);

/** A v2 partial whose one word spans the given session times. */
function v2Partial(text: string, startMs: number, endMs: number): unknown {
  const d = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  return { chunks: [{ alternatives: [{ text, confidence: 0, words: [{ word: text, start_time: d(startMs), end_time: d(endMs), confidence: 0 }] }], final: false }] };
}

let listener: ReturnType<typeof listen> | undefined;
afterEach(() => {
  listener?.stop();
  listener = undefined;
  vi.restoreAllMocks();
});

describe('the stream probe on fake time', () => {
  it('builds and publishes nothing while nobody subscribes', async () => {
    const publishes = Object.values(channels).map((channel) => vi.spyOn(channel, 'publish'));
    const { clock, transport, stream } = setup({ sessionLimits: { maxAudioMs: 2_000 } });
    stream.write(loud(3_000));
    await runClock(clock, 1_000);
    transport.calls[0]!.respond(v2Partial('1', 100, 200));
    transport.calls[0]!.respond(v2Final('1', 100, 400));
    await runClock(clock, 3_000);
    stream.destroy(new Error('gone'));
    await flushMicrotasks();
    expect(transport.calls.length).toBeGreaterThan(1); // it rolled over, so every channel had its moment
    for (const spy of publishes) expect(spy).not.toHaveBeenCalled();
  });

  it('final latency: from sending the audio at the final’s end to handing the final over; first partials from the utterance’s start', async () => {
    listener = listen([C.STREAM_RESULT]);
    const { clock, transport, stream } = setup();
    stream.write(loud(1_000));
    // Paced at real time: the frame holding 200–300 ms leaves at t = 200, the one holding 400–500 ms at t = 400.
    await runClock(clock, 700);
    const call = transport.calls[0]!;
    call.respond(v2Partial('1', 250, 300));
    await runClock(clock, 100);
    call.respond(v2Partial('12', 250, 450));
    await runClock(clock, 700);
    call.respond(v2Final('12', 250, 450));
    await runClock(clock, 200);
    call.respond(v2Partial('3', 600, 650));
    await flushMicrotasks();
    const results = listener.of(C.STREAM_RESULT);
    expect(results.map((r) => [r.type, r.firstPartial, r.latencyMs])).toEqual([
      ['partial', true, 700 - 200],
      ['partial', false, undefined],
      ['final', false, 1_500 - 400],
      // The next utterance's first partial: its start, 600 ms, left at t = 600.
      ['partial', true, 1_700 - 600],
    ]);
    expect(results[2]).toMatchObject({ session: 0, finalIndex: 0, startMs: 250, endMs: 450 });
    expect(Object.keys(results[2]!)).not.toContain('text');
  });

  it('counts what each session was sent: the user’s audio, its replay after a failure, and keep-alive', async () => {
    listener = listen([C.SESSION_OPEN, C.SESSION_END, C.SESSION_RETRY]);
    const { clock, transport, stream } = setup({ idle: 'keepalive', retry: { minDelayMs: 10, maxDelayMs: 10 } });
    stream.write(loud(600));
    await runClock(clock, 3_000); // 600 ms of audio, then keep-alive silence in the pause
    const first = transport.calls[0]!;
    first.finish({ code: 14, details: 'gone' }); // UNAVAILABLE: the next session replays all 600 ms (no final came)
    await runClock(clock, 1_000);
    stream.end(loud(200));
    await runClock(clock, 500);
    const second = transport.calls[1]!;
    second.respond(v2Final('x', 0, 800));
    await runClock(clock, 1_000);
    expect(second.halfClosed).toBe(true);
    second.finish();
    await runClock(clock, 1_000);

    const bytesPerMs = (rate * 2) / 1000;
    const ends = listener.of(C.SESSION_END);
    expect(listener.of(C.SESSION_OPEN).map((m) => m.session)).toEqual([0, 1]);
    expect(ends.map((m) => [m.session, m.grpcCode])).toEqual([[0, 14], [1, 0]]);
    expect(ends[0]!.sent.audio).toEqual({ ms: 600, bytes: 600 * bytesPerMs });
    expect(ends[0]!.sent.replay).toEqual({ ms: 0, bytes: 0 });
    expect(ends[0]!.sent.keepAlive.ms).toBeGreaterThan(0);
    expect(ends[0]!.sent.keepAlive.bytes).toBe(ends[0]!.sent.keepAlive.ms * bytesPerMs);
    expect(ends[1]!.sent.replay).toEqual({ ms: 600, bytes: 600 * bytesPerMs });
    expect(ends[1]!.sent.audio).toEqual({ ms: 200, bytes: 200 * bytesPerMs });
    // Together: what the service's limits count, exactly what went on the wire.
    for (const [i, end] of ends.entries()) {
      const { audio, replay, keepAlive } = end.sent;
      const wire = transport.calls[i]!.audio().length;
      expect(audio.bytes + replay.bytes + keepAlive.bytes).toBe(wire);
    }
    expect(listener.of(C.SESSION_RETRY)).toEqual([expect.objectContaining({ code: 'SPEECHKIT_ERR_UNAVAILABLE', grpcCode: 14, attempt: 1, session: 0 })]);
    expect(ends[0]!.durationMs).toBeGreaterThan(3_000 - 100);
  });

  it('start slots: the wait in the limiter’s queue, 0 when a slot was free', async () => {
    listener = listen([C.SESSION_START_SLOT]);
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 2, clock });
    const streams = [0, 1, 2].map(() => setup({ startLimiter: limiter }, clock));
    for (const { stream } of streams) stream.write(loud(200));
    await runClock(clock, 2_000);
    const waits = listener.of(C.SESSION_START_SLOT);
    // 2 a second, spaced 510 ms: the first goes at once, the others in turn.
    expect(waits.map((w) => Math.round(w.waitedMs))).toEqual([0, 510, 1_020]);
    expect(new Set(waits.map((w) => w.streamId)).size).toBe(3);
    for (const { stream } of streams) stream.destroy();
  });

  it('the measured limiter is still the limiter: its other members reach it, bound to it', () => {
    const clock = new FakeClock();
    const starts = createSessionStartLimiter({ perSecond: 10, clock });
    const extended = Object.assign(starts, { leases: 0, release(this: { leases: number }) { this.leases--; } });
    const measured = new StreamProbe(clock, 'v2').limiter(extended) as typeof extended;
    expect(measured.tryAcquire()).toBe(true);
    expect(measured.perSecond).toBe(10);
    measured.release();
    expect(extended.leases).toBe(-1);
    expect(isSessionStartLimiter(measured)).toBe(true);
    expect(new StreamProbe(clock, 'v2').limiter(undefined)).toBeUndefined();
  });

  it('a stream destroyed with an error publishes it with its code', async () => {
    listener = listen([C.STREAM_ERROR]);
    const { clock, transport, stream } = setup({ retry: false });
    stream.write(loud(300));
    await runClock(clock, 200);
    transport.calls[0]!.finish({ code: 3, details: 'bad settings' });
    await runClock(clock, 100);
    const [message] = listener.of(C.STREAM_ERROR);
    expect(message).toMatchObject({ code: 'SPEECHKIT_ERR_INVALID_ARGUMENT' });
    expect(message!.error).toBeInstanceOf(Error);
    expect(listener.of(C.STREAM_ERROR)).toHaveLength(1);
  });
});

describe('send times', () => {
  it('finds the frame a position ends in or starts in, and forgets frames past its capacity', () => {
    const times = new SendTimes(0);
    for (let k = 0; k < 600; k++) times.add((k + 1) * 100, 1_000 + k);
    // Frame k spans k*100 … (k+1)*100 and left at 1000 + k; 512 are remembered (frames 88 … 599).
    expect(times.at(59_950, 'end')).toBe(1_599);
    expect(times.at(59_900, 'end')).toBe(1_598);
    expect(times.at(59_900, 'start')).toBe(1_599);
    expect(times.at(8_850, 'end')).toBe(1_088);
    expect(times.at(8_800, 'start')).toBe(1_088);
    expect(times.at(8_800, 'end')).toBeUndefined();
    expect(times.at(60_050, 'end')).toBeUndefined();
  });
});
