import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { flushMicrotasks, v2Final, fakeStream, runClock } from '../helpers/fake-transport.js';

const run = runClock;
const rate = 8000;
const ms = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0x11); // loud enough not to count as silence

const setup = (options: Record<string, unknown> = {}) => fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', ...options });


describe('stream timing on a fake clock', () => {
  it('paces a file at real time: one 100 ms message every 100 ms, config first', async () => {
    const { clock, transport, stream } = setup();
    stream.write(ms(1000));
    await run(clock, 1200);
    const writes = transport.calls[0]!.writes;
    expect(writes[0]!.message.config).toBeDefined();
    const audio = writes.slice(1);
    expect(audio).toHaveLength(10);
    audio.forEach((w, k) => expect(w.at).toBe(k * 100));
  });

  it('at pace 2 sends twice as fast, and unpaced at once', async () => {
    for (const [pace, gap] of [[2, 50], [0, 0]] as const) {
      const { clock, transport, stream } = setup({ pace });
      stream.write(ms(500));
      await run(clock, 600);
      const at = transport.calls[0]!.writes.slice(1).map((w) => w.at);
      expect(at).toEqual([0, 1, 2, 3, 4].map((k) => k * gap));
    }
  });

  it('keeps a paused live session alive with silence well inside 5 s, off the stream timeline', async () => {
    const { clock, transport, stream, results } = setup({ idle: 'keepalive' });
    stream.write(ms(300));
    await run(clock, 4_000);
    const call = transport.calls[0]!;
    const times = call.writes.map((w) => w.at);
    // The gap starts where the last frame's audio ends in real time (100 ms after it went): then 1 s.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(1_000 + 100);
    expect(call.writes.length).toBeGreaterThanOrEqual(1 + 3 + 3);
    // Audio resumes at stream position 300 ms; the service places it after 300 ms of audio plus silence.
    stream.write(ms(200));
    await run(clock, 300);
    const sessionMsOfResume = (call.writes.length - 1 - 2) * 100;
    call.respond(v2Final('x', sessionMsOfResume, sessionMsOfResume + 100));
    await flushMicrotasks();
    expect(results[0]!.startMs).toBe(300);
    expect(transport.calls).toHaveLength(1);
  });

  it('closes an idle session cleanly and opens the next one when audio resumes', async () => {
    const { clock, transport, stream } = setup({ idle: { policy: 'close', afterMs: 500 } });
    const idle: unknown[] = [];
    stream.on('idle', (e) => idle.push(e));
    stream.write(ms(300));
    await run(clock, 1_000);
    expect(transport.calls[0]!.halfClosed).toBe(true);
    expect(idle).toEqual([{ session: 0, atMs: 300 }]);
    transport.calls[0]!.finish();
    await run(clock, 2_000);
    expect(transport.calls).toHaveLength(1);
    stream.write(ms(200));
    await run(clock, 300);
    expect(transport.calls).toHaveLength(2);
    // Nothing is replayed: the first session delivered its finals before it ended.
    expect(transport.calls[1]!.audio().length).toBe(ms(200).length);
  });

  it('rolls over before the hard limit with no boundary, replaying since the last final', async () => {
    const { clock, transport, stream } = setup({ pace: 0, sessionLimits: { maxAudioMs: 10_000 } });
    const rollovers: RolloverEvent[] = [];
    stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
    stream.write(ms(5_000));
    await run(clock, 20);
    const first = transport.calls[0]!;
    first.respond(v2Final('a', 1_000, 2_000));
    await run(clock, 20);
    stream.write(ms(5_000));
    // Unpaced, but past 4 s of unconfirmed audio (the replay bound) it slows to real time.
    await run(clock, 8_000, 50);
    // 95 % of 10 s; the replay reaches back to the final at 2 s but at most 4 s (half the soft point).
    expect(rollovers).toEqual([{ reason: 'limit', fromSession: 0, atMs: 9_500, replayFromMs: 5_500 }]);
    expect(first.halfClosed).toBe(true);
    expect(first.audio().length).toBe(ms(9_500).length);
    // The user's audio (keep-alive silence aside: the replay's cut is the new confirmed point, so it runs ahead and then idles).
    const userAudio = transport.calls[1]!.writes.filter((w) => (w.message.audio_content as Buffer | undefined)?.[0] === 0x11);
    expect(Buffer.concat(userAudio.map((w) => w.message.audio_content as Buffer)).length).toBe(ms(10_000 - 5_500).length);
  });

  it('unpaced, slows to real time once the unconfirmed audio reaches the replay bound', async () => {
    const { clock, transport, stream } = setup({ pace: 0, sessionLimits: { maxAudioMs: 20_000 } });
    stream.write(ms(12_000));
    await run(clock, 50);
    const call = transport.calls[0]!;
    // Bound: half the soft point of a 20 s session = 8 s; everything up to it leaves at once.
    expect(call.audio().length).toBe(ms(8_000).length);
    await run(clock, 1_000);
    expect(call.audio().length).toBe(ms(9_000).length);
    // A final confirms the audio and the stream bursts ahead again.
    call.respond(v2Final('a', 8_000, 8_900));
    await run(clock, 100);
    expect(call.audio().length).toBe(ms(12_000).length);
  });

  it('resumes after UNAVAILABLE with backoff on the clock, replaying exactly the audio since the last final', async () => {
    const { clock, transport, stream } = setup({ pace: 0, retry: { minDelayMs: 1_000 } });
    const retries: RetryEvent[] = [];
    stream.on('retry', (e: RetryEvent) => retries.push(e));
    stream.write(ms(3_000));
    await run(clock, 20);
    const first = transport.calls[0]!;
    first.respond(v2Final('a', 500, 1_200));
    await flushMicrotasks();
    first.finish({ code: 14, details: 'unavailable' });
    await run(clock, 400);
    // Full jitter with random 0.5 → half of the 1 s ceiling.
    expect(transport.calls).toHaveLength(1);
    expect(retries).toEqual([{ attempt: 1, code: 'SPEECHKIT_ERR_UNAVAILABLE', grpcCode: 14, delayMs: 500, session: 0 }]);
    await run(clock, 200);
    expect(transport.calls).toHaveLength(2);
    const replayed = transport.calls[1]!.audio();
    // Frames from the one holding 1 200 ms (1 200–1 300) to 3 000 ms.
    expect(replayed.length).toBe(ms(1_800).length);
  });
});
