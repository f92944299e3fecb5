import { describe, expect, it } from 'vitest';
import { RecognizeStream } from '../../src/recognize-stream.js';
import { createRedisStartLimiter, type RedisStartLimiter } from '../../src/redis/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeRedis } from '../helpers/fake-redis.js';
import { fakeCredentials, FakeTransport, runClock, v2Final, type FakeCall } from '../helpers/fake-transport.js';

/**
 * Streams give every start slot back to a limiter with a concurrency cap: when the session it
 * opened ends, or at once when the session or the stream went before it came. On fake time and a
 * fake transport.
 */

const rate = 8000;
const pcm = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000, 0x20);

function fleet(clock: FakeClock, maxConcurrent: number) {
  const redis = new FakeRedis(clock);
  const limiter = createRedisStartLimiter({ redis: redis.connect(), clock, perSecond: 40, maxConcurrent });
  return { redis, limiter };
}

function openStream(clock: FakeClock, limiter: RedisStartLimiter, options: Record<string, unknown> = {}) {
  const transport = new FakeTransport(clock);
  const stream = new RecognizeStream(
    { auth: { iamToken: 't' }, sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', clock, startLimiter: limiter, pace: 0, stallTimeoutMs: 300_000, ...options },
    { transport, credentials: fakeCredentials, random: () => 0.5 },
  );
  const state = { ended: false, error: undefined as Error | undefined };
  stream.on('data', () => {});
  stream.on('end', () => (state.ended = true));
  stream.on('error', (error: Error) => (state.error = error));
  return { stream, transport, state };
}

/**
 * Runs the clock as a service would: a call that has all its audio (nothing new for 50 ms) gets
 * one final covering it, and a half-closed call is finished. Returns the most calls open at once.
 */
async function serve(clock: FakeClock, transports: FakeTransport[], ms: number): Promise<number> {
  let most = 0;
  const heard = new Map<FakeCall, { bytes: number; since: number; answered: boolean }>();
  for (let t = 0; t < ms; t += 5) {
    await runClock(clock, 5, 5);
    const calls: FakeCall[] = transports.flatMap((tr) => tr.calls);
    most = Math.max(most, calls.filter((c) => !c.ended).length);
    for (const call of calls) {
      if (call.ended) continue;
      if (call.halfClosed) {
        call.finish();
        continue;
      }
      const bytes = call.audio().length;
      const seen = heard.get(call) ?? { bytes: -1, since: clock.now(), answered: false };
      if (bytes !== seen.bytes) heard.set(call, { bytes, since: clock.now(), answered: false });
      else if (bytes > 0 && !seen.answered && clock.now() - seen.since >= 50) {
        seen.answered = true;
        call.respond(v2Final('1', 0, bytes / 16));
      }
    }
  }
  return most;
}

describe('streams and a fleet-wide cap on open sessions', () => {
  it('never has more sessions open than the cap; each session gives its place back when it ends', async () => {
    const clock = new FakeClock();
    const { redis, limiter } = fleet(clock, 2);
    const streams = Array.from({ length: 6 }, () => openStream(clock, limiter));
    for (const { stream } of streams) stream.end(pcm(1_000));
    const most = await serve(clock, streams.map((s) => s.transport), 15_000);
    expect(streams.map((s) => s.state.error)).toEqual(streams.map(() => undefined));
    expect(streams.every((s) => s.state.ended)).toBe(true);
    expect(streams.every((s) => s.transport.calls.length === 1)).toBe(true);
    expect(most).toBe(2);
    expect(limiter.held).toBe(0);
    expect(redis.liveLeases()).toBe(0);
  });

  it('rolls over under the cap (the new session takes a place of its own), and nothing is held after', async () => {
    const clock = new FakeClock();
    const { redis, limiter } = fleet(clock, 3);
    // Sessions of 2 s: each stream needs four, and for a moment two at once at each rollover.
    const streams = Array.from({ length: 3 }, () => openStream(clock, limiter, { sessionLimits: { maxAudioMs: 2_000 } }));
    for (const { stream } of streams) stream.end(pcm(7_000));
    const most = await serve(clock, streams.map((s) => s.transport), 30_000);
    expect(streams.map((s) => s.state.error)).toEqual(streams.map(() => undefined));
    expect(streams.every((s) => s.state.ended)).toBe(true);
    expect(streams.every((s) => s.transport.calls.length >= 4)).toBe(true);
    expect(most).toBeLessThanOrEqual(3);
    expect(limiter.held).toBe(0);
    expect(redis.liveLeases()).toBe(0);
  });

  it('gives back the slot of a stream destroyed while it waited, or right after it came', async () => {
    const clock = new FakeClock();
    const { redis, limiter } = fleet(clock, 1);
    const first = openStream(clock, limiter);
    const waiting = openStream(clock, limiter);
    const last = openStream(clock, limiter);
    first.stream.write(pcm(500));
    waiting.stream.write(pcm(500));
    last.stream.end(pcm(500));
    await serve(clock, [first.transport, waiting.transport, last.transport], 200);
    expect(first.transport.calls).toHaveLength(1);
    expect(limiter.held).toBe(1);
    // `waiting` queued behind `first` for the one place; it goes away before getting it.
    waiting.stream.destroy();
    first.stream.end();
    await serve(clock, [first.transport, waiting.transport, last.transport], 10_000);
    expect(waiting.transport.calls).toHaveLength(0);
    expect(last.state.ended).toBe(true);
    // The slot `last`'s session held went back; so did one granted to a stream destroyed at once.
    const late = openStream(clock, limiter);
    late.stream.write(pcm(500));
    await serve(clock, [late.transport], 100);
    expect(late.transport.calls).toHaveLength(1);
    late.stream.destroy();
    await serve(clock, [late.transport], 100);
    expect(limiter.held).toBe(0);
    expect(redis.liveLeases()).toBe(0);
  });
});
