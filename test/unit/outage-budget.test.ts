import { describe, expect, it } from 'vitest';
import { RecognizeStream } from '../../src/recognize-stream.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { createSessionStartLimiter, type SessionStartLimiter } from '../../src/session/start-limiter.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeTransport, fakeCredentials, runClock, v2Final, type FakeCall } from '../helpers/fake-transport.js';
import { seededRandom } from '../helpers/dialled.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;
const UNAVAILABLE = 14;

/** `n` ms of loud PCM whose bytes say where they came from (byte = position in 100 ms steps). */
function audio(fromMs: number, n: number): Buffer {
  const out = Buffer.alloc(n * bytesPerMs);
  for (let i = 0; i < out.length; i += 1600) out.fill(0x20 + (((fromMs + (i / 1600) * 100) / 100) % 200), i, i + 1600);
  return out;
}

function setup(clock: FakeClock, startLimiter: SessionStartLimiter, retry: Record<string, number>, random = () => 0.5) {
  const transport = new FakeTransport(clock);
  const stream = new RecognizeStream(
    { auth: { iamToken: 't' }, sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', clock, startLimiter, retry },
    { transport, credentials: fakeCredentials, random },
  );
  const retries: RetryEvent[] = [];
  const errors: Error[] = [];
  stream.on('data', () => {});
  stream.on('retry', (e: RetryEvent) => retries.push(e));
  stream.on('error', (e: Error) => errors.push(e));
  return { transport, stream, retries, errors };
}

/** Other streams' recoveries ahead in the limiter's queue: `n` slots taken before ours. */
function queueAhead(limiter: SessionStartLimiter, n: number): void {
  for (let i = 0; i < n; i++) limiter.acquire(() => {});
}

/** Fails a call as soon as it opens (the service still down when its slot came). */
function failOnOpen(transport: FakeTransport, callIndex: number): void {
  const previous = transport.onOpen;
  transport.onOpen = (call: FakeCall) => {
    previous?.(call);
    if (transport.calls.length - 1 === callIndex) queueMicrotask(() => call.finish({ code: UNAVAILABLE, details: 'still down' }));
  };
}

/** Audio heard by the sessions that kept their results: each one up to where the next replayed from. */
function heard(calls: FakeCall[], replayFromMs: number[]): Buffer {
  return Buffer.concat(calls.map((c, i) => (i < calls.length - 1 ? c.audio().subarray(0, (replayFromMs[i + 1]! - (replayFromMs[i] ?? 0)) * bytesPerMs) : c.audio())));
}

/** The service finalizes everything the call heard, then ends it with OK (as the end-of-stream flush expects). */
function finalizeAndFinish(call: FakeCall): void {
  if (!call.ended) call.respond(v2Final('end', 0, call.audio().length / bytesPerMs));
  call.finish();
}

/** `audio` is `expected`, then only the end-of-stream flush's silence. */
function exactThenSilence(audio: Buffer, expected: Buffer): boolean {
  return audio.subarray(0, expected.length).equals(expected) && audio.subarray(expected.length).every((b) => b === 0);
}

describe('time queued for a start slot is not retry time', () => {
  it('a retry that waited 10 s for its slot still has its 5 s budget when that session fails too', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 10, clock });
    const { transport, stream, retries, errors } = setup(clock, limiter, { maxTotalMs: 5_000, healthyAfterMs: 60_000, minDelayMs: 100, maxDelayMs: 100 });
    const all = audio(0, 20_000);
    stream.write(all);
    await runClock(clock, 2_000);
    const first = transport.calls[0]!;
    first.respond(v2Final('1', 1_000, 1_500));
    await runClock(clock, 100);
    // A mass outage: a hundred other streams queue for slots (10 s at 10 a second), then ours fails.
    queueAhead(limiter, 100);
    failOnOpen(transport, 1);
    first.finish({ code: UNAVAILABLE, details: 'outage' });
    await runClock(clock, 12_000);
    expect(errors).toEqual([]);
    // Its slot came after ~10 s in the queue; that session failed at once, and the budget (5 s,
    // of which only the backoffs were spent) allowed another.
    expect(transport.calls.length).toBe(3);
    expect(transport.calls[1]!.writes[0]!.at).toBeGreaterThanOrEqual(10_000);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    stream.end();
    const last = transport.calls[2]!;
    for (let t = 0; t < 30_000 && !last.halfClosed; t += 500) await runClock(clock, 500);
    finalizeAndFinish(last);
    await runClock(clock, 100);
    expect(errors).toEqual([]);
    // Session 0 keeps what it confirmed (up to 1.5 s); session 2 heard everything after it.
    expect(exactThenSilence(transport.calls[2]!.audio(), all.subarray(1_500 * bytesPerMs))).toBe(true);
  });

  it('a session waiting in the queue is not "healthy" yet: its failure on opening continues the episode', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 10, clock });
    // healthyAfterMs (2 s) is far shorter than the queue (10 s): only a session that really ran may reset the budget.
    const { transport, stream, retries, errors } = setup(clock, limiter, { retries: 2, healthyAfterMs: 2_000, minDelayMs: 100, maxDelayMs: 1_000 });
    stream.write(audio(0, 20_000));
    await runClock(clock, 2_000);
    transport.calls[0]!.respond(v2Final('1', 1_000, 1_500));
    await runClock(clock, 100);
    queueAhead(limiter, 100);
    failOnOpen(transport, 1);
    transport.calls[0]!.finish({ code: UNAVAILABLE, details: 'outage' });
    await runClock(clock, 12_000);
    expect(errors).toEqual([]);
    // The second retry of the same episode: its backoff ceiling doubled (100 → 200 ms, drawn at 0.5).
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([[1, 50], [2, 100]]);
    expect(transport.calls.length).toBe(3);
  });

  it('a failure mid-stream gets `retries` new sessions, not one more', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 10, clock });
    const { transport, stream, retries, errors } = setup(clock, limiter, { retries: 2, minDelayMs: 100, maxDelayMs: 100 });
    stream.write(audio(0, 20_000));
    await runClock(clock, 2_000);
    // A final: the session is healthy, so its failure starts a new episode of its own.
    transport.calls[0]!.respond(v2Final('1', 1_000, 1_500));
    await runClock(clock, 100);
    for (let i = 1; i <= 4; i++) failOnOpen(transport, i);
    transport.calls[0]!.finish({ code: UNAVAILABLE, details: 'outage' });
    await runClock(clock, 3_000);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(transport.calls.length).toBe(3);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['SPEECHKIT_ERR_RETRIES_EXHAUSTED']);
  });

  it('many streams failing at once each recover with exactly one new session, one start slot apart, byte-exact (seeded)', async () => {
    for (const seed of [1, 2]) {
      const random = seededRandom(seed);
      const clock = new FakeClock();
      const limiter = createSessionStartLimiter({ perSecond: 40, clock });
      const count = 120;
      const streams = Array.from({ length: count }, (_, i) =>
        setup(clock, limiter, { maxTotalMs: 1_000, healthyAfterMs: 60_000 }, seededRandom(seed * 1000 + i)));
      const all = audio(0, 12_000);
      for (const s of streams) s.stream.write(all);
      // Every first session is open after 120 slots (~3.1 s); then each confirms a random point.
      await runClock(clock, 6_000, 5);
      const confirmed = streams.map(({ transport }) => {
        const at = 500 + Math.floor(random() * 25) * 100;
        transport.calls[0]!.respond(v2Final('1', at - 300, at));
        return at;
      });
      await runClock(clock, 50, 5);
      // All sessions fail in the same instant.
      const outageAt = clock.now();
      for (const { transport } of streams) transport.calls[0]!.finish({ code: UNAVAILABLE, details: 'outage' });
      await runClock(clock, 5_000, 5);
      const starts = streams.map(({ transport }) => transport.calls[1]!.writes[0]!.at).sort((a, b) => a - b);
      // Queued ~3 s with a 1 s budget: nobody gave up, nobody opened a third session.
      streams.forEach(({ transport, retries, errors }) => {
        expect(errors).toEqual([]);
        expect(transport.calls.length).toBe(2);
        expect(retries.map((r) => r.attempt)).toEqual([1]);
      });
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(25);
      // The backoff adds no herd of its own: full jitter spreads the retries over 0–250 ms (no
      // 50 ms bucket holds more than a third of them), and p-retry adds no wait of its own.
      const delays = streams.map(({ retries }) => retries[0]!.delayMs);
      expect(Math.min(...delays)).toBeLessThan(25);
      expect(Math.max(...delays)).toBeGreaterThan(225);
      for (let b = 0; b < 250; b += 50) expect(delays.filter((d) => d >= b && d < b + 50).length).toBeLessThan(count / 3);
      expect(starts.at(-1)! - outageAt).toBeGreaterThan(3_000);
      for (const s of streams) s.stream.end();
      // Each last session gets its final status once all its audio is out.
      for (let t = 0; t < 15_000; t += 500) {
        await runClock(clock, 500, 10);
        for (const { transport } of streams) if (transport.calls[1]!.halfClosed) finalizeAndFinish(transport.calls[1]!);
      }
      streams.forEach(({ transport, errors }, i) => {
        expect(errors).toEqual([]);
        expect(transport.calls).toHaveLength(2);
        expect(exactThenSilence(heard(transport.calls, [0, confirmed[i]!]), all)).toBe(true);
      });
    }
  });
});
