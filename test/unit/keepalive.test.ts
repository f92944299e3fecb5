import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import { createSessionStartLimiter } from '../../src/session/start-limiter.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { fakeStream, flushMicrotasks, type FakeCall } from '../helpers/fake-transport.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;
/** `n` ms of loud PCM (never mistaken for keep-alive zeros). */
const loud = (n: number) => Buffer.alloc(n * bytesPerMs, 0x11);

const audioMessages = (call: FakeCall) =>
  call.writes.filter((w) => w.message.audio_content !== undefined).map((w) => ({ at: w.at, data: w.message.audio_content as Buffer }));
const isZeros = (b: Buffer) => b.every((x) => x === 0);
/** Keep-alive silence a call was sent, in ms. */
const silenceMs = (call: FakeCall) => audioMessages(call).filter((m) => isZeros(m.data)).reduce((n, m) => n + m.data.length / bytesPerMs, 0);
const totalMs = (call: FakeCall) => audioMessages(call).reduce((n, m) => n + m.data.length / bytesPerMs, 0);
/** Longest time the call went without a message, up to `endAt` (when it was let go) if given. */
const longestGap = (call: FakeCall, endAt?: number) => {
  const times = [...call.writes.map((w) => w.at), ...(endAt === undefined ? [] : [endAt])];
  return Math.max(0, ...times.slice(1).map((t, i) => t - times[i]!));
};

/** Steps fake time, writing `pieceMs` of audio every `pieceMs` while `live(t)` says the source is talking. */
async function liveSource(run: ReturnType<typeof fakeStream>, durationMs: number, pieceMs: number, talking: (t: number) => boolean) {
  const { clock, stream } = run;
  let written = 0;
  for (let t = 0; t < durationMs; t += pieceMs) {
    if (talking(t)) {
      stream.write(loud(pieceMs));
      written += pieceMs;
    }
    await flushMicrotasks();
    clock.advance(pieceMs);
  }
  await flushMicrotasks();
  return written;
}

describe('keep-alive fills only real gaps', () => {
  it('inserts no silence between the frames of a real-time source whose chunks outlast idle.afterMs', async () => {
    // Before: a keep-alive every 300 ms while each 500 ms frame filled up: the service heard 20.5 s for 10.5 s.
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', chunkMs: 500, idle: { afterMs: 300 }, startLimiter: false });
    const written = await liveSource(run, 10_500, 20, () => true);
    const call = run.transport.calls[0]!;
    expect(run.transport.calls).toHaveLength(1);
    expect(silenceMs(call)).toBe(0);
    expect(totalMs(call)).toBe(written);
    expect(run.errors).toEqual([]);
  });

  it('inserts no silence into the speech of a source that writes a second at a time, in real time', async () => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', idle: { afterMs: 300 }, startLimiter: false });
    const written = await liveSource(run, 10_000, 1_000, () => true);
    const call = run.transport.calls[0]!;
    expect(silenceMs(call)).toBe(0);
    expect(totalMs(call)).toBe(written);
  });

  it('inserts no silence into speech while the transport buffer is full (a keep-alive could not reach the service sooner anyway)', async () => {
    // Before: flow control held the call for 3 s with speech due, and keep-alive put silence between
    // its frames: the service heard one utterance as two, or a digit twice.
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', startLimiter: false });
    let call: FakeCall | undefined;
    const written = await liveSource(run, 8_000, 20, (t) => {
      call ??= run.transport.calls[0];
      if (call && t === 2_000) call.full = true;
      if (call && t === 5_000) call.drain();
      return true;
    });
    await liveSource(run, 3_000, 20, () => false);
    expect(run.transport.calls).toHaveLength(1);
    expect(silenceMs(call!)).toBe(0);
    expect(totalMs(call!)).toBe(written);
    expect(run.errors).toEqual([]);
  });

  it('fills a real pause with no more silence than its wall time, and the speech around it stays whole', async () => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', chunkMs: 500, idle: { afterMs: 300 }, startLimiter: false });
    // Talks 0–3 s, pauses 3–7 s, talks 7–10 s.
    const written = await liveSource(run, 10_000, 20, (t) => t < 3_000 || t >= 7_000);
    const call = run.transport.calls[0]!;
    const silence = silenceMs(call);
    expect(silence).toBeGreaterThan(0);
    expect(silence).toBeLessThanOrEqual(4_000);
    // Every keep-alive went out inside the pause (after the last frame of speech had gone, before speech resumed).
    const zeros = audioMessages(call).filter((m) => isZeros(m.data));
    for (const m of zeros) expect(m.at >= 3_000 && m.at <= 7_000).toBe(true);
    expect(totalMs(call) - silence).toBe(written);
    expect(longestGap(call)).toBeLessThanOrEqual(300 + 500);
  });

  it('sends silence at no more than real time when chunkMs outweighs afterMs, and rolls over before the limits', async () => {
    // Before: 1 s of silence every 100 ms (10x real time); the session passed its limit and got OUT_OF_RANGE.
    const run = fakeStream({
      sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', chunkMs: 1_000, idle: { afterMs: 100 },
      sessionLimits: { maxAudioMs: 10_000 }, startLimiter: false,
    });
    const rollovers: RolloverEvent[] = [];
    run.stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
    run.stream.write(loud(2_000));
    // A 40 s pause.
    for (let t = 0; t < 42_000; t += 10) {
      await flushMicrotasks();
      run.clock.advance(10);
      for (const c of run.transport.calls) if (c.halfClosed && !c.ended) c.finish();
    }
    const calls = run.transport.calls;
    const silence = calls.reduce((n, c) => n + silenceMs(c), 0);
    // 2 s of audio covers the first 2 s; the rest is pause, and the silence is at most its wall time.
    expect(silence).toBeGreaterThan(0);
    expect(silence).toBeLessThanOrEqual(42_000 - 2_000);
    // Keep-alive counts against the limits: no session got past its hard margin, and it rolled over.
    for (const c of calls) expect(totalMs(c)).toBeLessThanOrEqual(9_500);
    expect(rollovers.length).toBeGreaterThanOrEqual(3);
    expect(rollovers.every((r) => r.reason === 'limit')).toBe(true);
    // And never faster than real time: any 1 s window holds at most 1 s of silence plus one keep-alive.
    for (const c of calls) {
      const zeros = audioMessages(c).filter((m) => isZeros(m.data));
      for (const a of zeros) {
        const inWindow = zeros.filter((b) => b.at >= a.at && b.at < a.at + 1_000).reduce((n, b) => n + b.data.length / bytesPerMs, 0);
        expect(inWindow).toBeLessThanOrEqual(1_000 + 100);
      }
    }
    expect(run.errors).toEqual([]);
  });
});

describe('keep-alive while a rollover waits for a start slot', () => {
  it('keeps a session at its hard margin alive after end(), within the headroom, then ends it cleanly for the next one', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 1, clock });
    const run = fakeStream({
      sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', sessionLimits: { maxAudioMs: 5_000 }, maxBufferedMs: 20_000, startLimiter: limiter,
    }, clock);
    const { transport, stream } = run;
    const rollovers: RolloverEvent[] = [];
    let halfClosedAt: number | undefined;
    stream.on('rollover', (e: RolloverEvent) => {
      rollovers.push(e);
      halfClosedAt ??= clock.now();
    });
    const all = loud(7_000);
    stream.end(all);
    for (let t = 0; t < 4_000; t += 10) {
      await flushMicrotasks();
      clock.advance(10);
    }
    // A long queue: eight starts ahead of the rollover, one a second.
    for (let i = 0; i < 8; i++) limiter.acquire(() => {});
    for (let t = 0; t < 20_000; t += 10) {
      await flushMicrotasks();
      clock.advance(10);
      const second = transport.calls[1];
      if (second?.halfClosed && !second.ended) second.finish();
    }
    const first = transport.calls[0]!;
    // Before: silent from 4.6 s until the slot came (over 7 s): DEADLINE_EXCEEDED from the service.
    expect(halfClosedAt).toBeDefined();
    expect(longestGap(first, halfClosedAt)).toBeLessThanOrEqual(3_500);
    // The keep-alive stayed inside the limit, and the session was half-closed when nothing more fitted.
    expect(totalMs(first)).toBeLessThanOrEqual(5_000);
    expect(silenceMs(first)).toBeGreaterThan(0);
    expect(first.halfClosed).toBe(true);
    expect(rollovers).toEqual([{ reason: 'limit', fromSession: 0, atMs: 4_700, replayFromMs: 2_700 }]);
    // The next session opened in the queued slot, after the eight ahead, and heard the rest exactly once.
    const second = transport.calls[1]!;
    expect(second.writes[0]!.at).toBeGreaterThan(first.writes.at(-1)!.at);
    // (Then the silence the end of the stream adds so the service finalizes the last speech: EndFlush.)
    const rest = all.subarray(2_700 * bytesPerMs);
    expect(second.audio().subarray(0, rest.length).equals(rest)).toBe(true);
    expect(isZeros(second.audio().subarray(rest.length))).toBe(true);
    expect(run.errors).toEqual([]);
  });
});
