import { describe, expect, it } from 'vitest';
import { RecognizeStream, type RolloverEvent } from '../../src/recognize-stream.js';
import { createSessionStartLimiter, type SessionStartLimiter } from '../../src/session/start-limiter.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeTransport, v2Final, fakeCredentials, runClock } from '../helpers/fake-transport.js';

const credentials = fakeCredentials;
const run = runClock;
const rate = 8000;
/** `n` ms of loud PCM whose bytes say where they came from (byte = position in 100 ms steps). */
function audio(fromMs: number, n: number): Buffer {
  const out = Buffer.alloc((rate * 2 * n) / 1000);
  for (let i = 0; i < out.length; i += 1600) out.fill(0x20 + (((fromMs + (i / 1600) * 100) / 100) % 200), i, i + 1600);
  return out;
}

function setup(clock: FakeClock, startLimiter: SessionStartLimiter | false, options: Record<string, unknown> = {}) {
  const transport = new FakeTransport(clock);
  const stream = new RecognizeStream(
    { auth: { iamToken: 't' }, sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', clock, startLimiter, ...options },
    { transport, credentials, random: () => 0.5 },
  );
  stream.on('data', () => {});
  stream.on('error', () => {});
  const rollovers: RolloverEvent[] = [];
  stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
  return { transport, stream, rollovers };
}


/**
 * `audio` exactly, then only the silence the end of the stream adds so the service finalizes the
 * last speech by itself (see `EndFlush`).
 */
function isAudioThenFlushSilence(sent: Buffer, audio: Buffer): boolean {
  return sent.subarray(0, audio.length).equals(audio) && sent.subarray(audio.length).every((b) => b === 0);
}

/** When each call's settings went out: the moment its session started. */
const openedAt = (t: FakeTransport) => t.calls.map((c) => c.writes[0]!.at);

describe('session starts go through the process-wide limiter', () => {
  it('opens the sessions of streams started together one slot apart, and every byte arrives', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 10, clock });
    const streams = Array.from({ length: 5 }, () => setup(clock, limiter));
    const sent = audio(0, 1_000);
    for (const { stream } of streams) stream.end(sent);
    await run(clock, 2_000, 1);
    const starts = streams.map(({ transport }) => openedAt(transport)[0]!);
    starts.forEach((t, i) => expect(Math.abs(t - i * 102)).toBeLessThanOrEqual(1));
    // Audio written before a stream's slot came waited in its buffer, then went out in full.
    for (const { transport } of streams) expect(isAudioThenFlushSilence(transport.calls[0]!.audio(), sent)).toBe(true);
  });

  it('lets the default limiter pace starts at 40 a second per endpoint', async () => {
    const clock = new FakeClock();
    const streams = Array.from({ length: 50 }, () => setup(clock, undefined as unknown as false, {}));
    for (const { stream } of streams) stream.write(audio(0, 200));
    await run(clock, 2_000, 1);
    const starts = streams.map(({ transport }) => openedAt(transport)[0]!).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(Math.round(starts[i]! - starts[i - 1]!)).toBeGreaterThanOrEqual(25);
    expect(Math.abs(starts.at(-1)! - 49 * 25.5)).toBeLessThanOrEqual(1);
  });

  it('keeps feeding the current session while a rollover waits for its slot', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 1, clock });
    const { transport, stream, rollovers } = setup(clock, limiter, { sessionLimits: { maxAudioMs: 20_000 } });
    const written: Buffer[] = [audio(0, 2_000)];
    stream.write(written[0]);
    await run(clock, 1_000);
    let position = 2_000;
    const feed = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        written.push(audio(position, 100));
        stream.write(written.at(-1));
        position += 100;
        await run(clock, 100);
      }
    };
    await feed(15_500); // past the soft point (16 s of audio), well before the hard one (19 s)
    // Others are queued for starts: the rollover must wait about two seconds for its turn.
    for (let i = 0; i < 2; i++) limiter.acquire(() => {});
    const first = transport.calls[0]!;
    const sessionMs = first.audio().length / 16;
    first.respond(v2Final('1', sessionMs - 500, sessionMs - 300));
    await feed(1_000);
    expect(rollovers).toHaveLength(0);
    expect(transport.calls).toHaveLength(1);
    // The session kept taking audio at the live edge instead of stalling at the boundary.
    expect(first.audio().length / 16).toBeGreaterThanOrEqual(sessionMs + 1_000);
    await feed(1_500);
    expect(rollovers).toHaveLength(1);
    expect(rollovers[0]!.reason).toBe('end-of-utterance');
    expect(transport.calls).toHaveLength(2);
    // Pacing never slipped: every frame of the first session left on its 100 ms beat.
    const beats = first.writes.slice(1).map((w) => w.at);
    beats.forEach((t, k) => expect(t).toBe(beats[0]! + 100 * k));
    // The new session starts from the final: nothing lost, nothing twice.
    stream.end();
    await run(clock, 3_000);
    const second = transport.calls[1]!;
    second.finish();
    await run(clock, 100);
    const replayFrom = rollovers[0]!.replayFromMs * 16;
    const all = Buffer.concat(written);
    expect(isAudioThenFlushSilence(Buffer.concat([first.audio().subarray(0, replayFrom), second.audio()]), all)).toBe(true);
  });

  it('sends nothing past the hard margin while a limit rollover waits, then goes on in the new session', async () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 1, clock });
    const { transport, stream, rollovers } = setup(clock, limiter, { sessionLimits: { maxAudioMs: 5_000 } });
    const all = audio(0, 6_000);
    stream.write(all);
    await run(clock, 4_000);
    // Two starts queue ahead: the rollover at 4.7 s gets its slot at 6 s.
    for (let i = 0; i < 2; i++) limiter.acquire(() => {});
    await run(clock, 1_500);
    const first = transport.calls[0]!;
    // 95 % of 5 s went out, and not a frame more.
    expect(first.audio().length).toBe(4_700 * 16);
    expect(rollovers).toHaveLength(0);
    await run(clock, 1_000);
    expect(rollovers).toEqual([{ reason: 'limit', fromSession: 0, atMs: 4_700, replayFromMs: 2_700 }]);
    stream.end();
    await run(clock, 3_000);
    transport.calls[1]!.finish();
    await run(clock, 100);
    expect(isAudioThenFlushSilence(transport.calls[1]!.audio(), all.subarray(2_700 * 16))).toBe(true);
  });

  it('with startLimiter: false opens at once', async () => {
    const clock = new FakeClock();
    const streams = Array.from({ length: 20 }, () => setup(clock, false));
    for (const { stream } of streams) stream.write(audio(0, 200));
    await run(clock, 50);
    expect(streams.every(({ transport }) => openedAt(transport)[0] === 0)).toBe(true);
  });
});
