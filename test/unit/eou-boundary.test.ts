import { describe, expect, it } from 'vitest';
import type { RolloverEvent } from '../../src/recognize-stream.js';
import { fakeStream, runClock, v2Final } from '../helpers/fake-transport.js';

const rate = 8000;
const loud = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000, 0x11);
const quiet = (ms: number) => Buffer.alloc((rate * 2 * ms) / 1000);

describe('an end of utterance that comes late', () => {
  it('is no rollover boundary deep inside the next utterance (the new session would replay all of it)', async () => {
    // 20 s sessions (soft point 16 s, replay bound 8 s): one utterance to 9 s, a pause, then speech
    // with no pause to the end. Its final and end of utterance come only when 17 s were sent.
    const { clock, transport, stream, errors } = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, sessionLimits: { maxAudioMs: 20_000 }, rollover: { jitter: 0 } });
    const rollovers: RolloverEvent[] = [];
    stream.on('rollover', (e: RolloverEvent) => rollovers.push(e));
    stream.write(Buffer.concat([quiet(1_000), loud(8_000), quiet(1_000), loud(12_000)]));
    const call = transport.calls[0] ?? (await runClock(clock, 10), transport.calls[0]!);
    for (let i = 0; i < 2_000 && call.audio().length < (rate * 2 * 17_000) / 1000; i++) await runClock(clock, 10);
    expect(call.audio().length).toBeGreaterThanOrEqual((rate * 2 * 17_000) / 1000);
    call.respond(v2Final('late', 1_000, 9_000));
    await runClock(clock, 3_000);
    expect(errors).toEqual([]);
    expect(rollovers.map((r) => r.reason)).not.toContain('end-of-utterance');
    // It rolled over at the hard margin instead, reaching back at most 1.5× the bound (to the start of the utterance).
    const limit = rollovers.find((r) => r.reason === 'limit')!;
    expect(limit.atMs - limit.replayFromMs).toBeLessThanOrEqual(12_000);
  });
});
