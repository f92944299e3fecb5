import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '../../src/stream/turn-events.js';
import { fakeStream, runClock, v2Final } from '../helpers/fake-transport.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;
const speech = (ms: number) => {
  const b = Buffer.alloc(ms * bytesPerMs);
  for (let i = 0; i < b.length / 2; i++) b.writeInt16LE(i % 2 === 0 ? 3_000 : -3_000, i * 2);
  return b;
};
const pause = (ms: number) => Buffer.alloc(ms * bytesPerMs);
const sentMs = (audio: Buffer) => audio.length / bytesPerMs;

describe('turn-taking events on fake time', () => {
  it('speechStart and speechEnd are told only once the audio they describe was sent on the call', async () => {
    // Paced at real time: the whole utterance is written at once, the call hears it over 2.5 s.
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 1, startLimiter: false, voiceActivity: { hangoverMs: 300 } });
    const seen: { type: string; event: TurnEvent; sentMs: number; at: number }[] = [];
    for (const type of ['speechStart', 'speechEnd'] as const) {
      run.stream.on(type, (event: TurnEvent) => seen.push({ type, event, sentMs: sentMs(run.transport.calls[0]!.audio()), at: run.clock.now() }));
    }
    run.stream.resume();
    const t0 = run.clock.now();
    run.stream.write(Buffer.concat([pause(500), speech(800), pause(1_200)]));
    await runClock(run.clock, 3_000);
    expect(seen.map((s) => [s.type, s.event])).toEqual([
      ['speechStart', { channelTag: '0', atMs: 500 }],
      ['speechEnd', { channelTag: '0', atMs: 1_300 }],
    ]);
    const [start, end] = seen;
    // Never ahead of the audio: the start after its voice (and the minimum run) went out, the end after the hangover.
    expect(start!.sentMs).toBeGreaterThanOrEqual(500 + 60);
    expect(end!.sentMs).toBeGreaterThanOrEqual(1_300 + 300);
    // Paced: told when the call heard it, not when it was written.
    expect(start!.at - t0).toBeGreaterThanOrEqual(500);
    expect(end!.at - t0).toBeGreaterThanOrEqual(1_500);
    expect(run.errors).toEqual([]);
  });

  it('noInput after noInputMs of audio without speech', async () => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 1, startLimiter: false, voiceActivity: { noInputMs: 2_000 } });
    const events: TurnEvent[] = [];
    run.stream.on('noInput', (e: TurnEvent) => events.push(e));
    run.stream.resume();
    run.stream.write(pause(1_500));
    await runClock(run.clock, 1_800);
    expect(events).toEqual([]);
    run.stream.write(pause(1_000));
    await runClock(run.clock, 1_000);
    expect(events).toEqual([{ channelTag: '0', atMs: 2_000 }]);
  });
});

describe('finalize() on fake time', () => {
  it('v2: a half-close at once, its finals delivered, then resolved; the next audio goes to a new session that replays nothing', async () => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, startLimiter: false });
    run.stream.resume();
    run.stream.write(Buffer.concat([pause(200), speech(600), pause(200)]));
    await runClock(run.clock, 50);
    let resolved = false;
    const done = run.stream.finalize().then(() => (resolved = true));
    await runClock(run.clock, 50);
    const first = run.transport.calls[0]!;
    // Half-closed at once: the service finalizes what it heard (no added silence to wait through).
    expect(first.halfClosed).toBe(true);
    expect(first.audio().length).toBe(1_000 * bytesPerMs);
    // Audio written meanwhile waits: none of it reaches the session being finalized.
    run.stream.write(Buffer.concat([speech(300), pause(900)]));
    await runClock(run.clock, 50);
    expect(first.audio().length).toBe(1_000 * bytesPerMs);
    first.respond(v2Final('one', 200, 800));
    await runClock(run.clock, 50);
    expect(resolved).toBe(false);
    first.finish();
    await runClock(run.clock, 50);
    await done;
    expect(run.results.filter((r) => r.final).map((r) => [r.text, r.startMs])).toEqual([['one', 200]]);
    // The new session starts at the finalize point and hears only the audio written after it.
    expect(run.transport.calls).toHaveLength(2);
    const second = run.transport.calls[1]!;
    expect(second.audio().length).toBe(1_200 * bytesPerMs);
    second.respond(v2Final('two', 0, 300));
    await runClock(run.clock, 50);
    expect(run.results.filter((r) => r.final).map((r) => [r.text, r.startMs])).toEqual([['one', 200], ['two', 1_000]]);
    expect(run.errors).toEqual([]);
  });

  it('resolves at once with nothing written, with only silence since the last final, and after the stream is destroyed', async () => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, startLimiter: false });
    run.stream.resume();
    let resolved = 0;
    await run.stream.finalize().then(() => resolved++);
    run.stream.write(pause(1_000));
    await runClock(run.clock, 50);
    const silent = run.stream.finalize().then(() => resolved++);
    await runClock(run.clock, 20);
    await silent;
    expect(resolved).toBe(2);
    // Nothing was closed for it: the same session takes the next audio.
    expect(run.transport.calls).toHaveLength(1);
    expect(run.transport.calls[0]!.halfClosed).toBe(false);
    run.stream.write(speech(500));
    await runClock(run.clock, 50);
    const owed = run.stream.finalize();
    await runClock(run.clock, 50);
    run.stream.destroy();
    await owed;
  });

  it.each([
    ['fails', { code: 14, details: 'unavailable' }],
    ['ends OK without the final', { code: 0 }],
  ] as const)('a session that %s while finalizing: the next replays the speech, with silence after it, and finalizes it', async (_, status) => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, startLimiter: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    run.stream.resume();
    run.stream.write(Buffer.concat([pause(200), speech(600), pause(200)]));
    await runClock(run.clock, 50);
    let resolved = false;
    const done = run.stream.finalize().then(() => (resolved = true));
    await runClock(run.clock, 50);
    expect(run.transport.calls[0]!.halfClosed).toBe(true);
    run.transport.calls[0]!.finish(status);
    await runClock(run.clock, 100);
    expect(resolved).toBe(false);
    const second = run.transport.calls[1]!;
    // The replay, then the silence that makes the service end the utterance itself.
    expect(sentMs(second.audio())).toBeGreaterThan(1_000);
    second.respond(v2Final('one', 200, 800));
    await runClock(run.clock, 50);
    await done;
    expect(second.halfClosed).toBe(false);
    expect(run.results.filter((r) => r.final).map((r) => r.text)).toEqual(['one']);
    expect(run.errors).toEqual([]);
  });

  it('a session that never ends after its half-close is recovered as stalled, not a drain timeout of the whole stream', async () => {
    // Before: SPEECHKIT_ERR_DRAIN_TIMEOUT destroyed a stream that was meant to go on.
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, startLimiter: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    const retries: { code: string }[] = [];
    run.stream.on('retry', (e: { code: string }) => retries.push(e));
    run.stream.resume();
    run.stream.write(Buffer.concat([pause(200), speech(600), pause(200)]));
    await runClock(run.clock, 50);
    const done = run.stream.finalize();
    await runClock(run.clock, 10_100, 100);
    expect(run.transport.calls[0]!.cancelled).toBe(true);
    expect(retries.map((r) => r.code)).toEqual(['SPEECHKIT_ERR_STALLED']);
    const second = run.transport.calls[1]!;
    expect(sentMs(second.audio())).toBeGreaterThan(1_000);
    second.respond(v2Final('one', 200, 800));
    await runClock(run.clock, 50);
    await done;
    expect(run.results.filter((r) => r.final).map((r) => r.text)).toEqual(['one']);
    expect(run.errors).toEqual([]);
  });
});
