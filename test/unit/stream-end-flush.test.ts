import { describe, expect, it } from 'vitest';
import type { UnconfirmedEvent } from '../../src/session/end-flush.js';
import { fakeStream, runClock } from '../helpers/fake-transport.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;

describe('end of stream: a service that never finalizes the last speech', () => {
  it.each([0, 1, 5])('ends normally with an unconfirmed report, also when the retry budget (%i) runs out first', async (retries) => {
    // Before: with a budget smaller than the flush's own bounded replays, the stream failed with
    // RETRIES_EXHAUSTED although nothing was wrong with the audio, the connection or the service's limits.
    const run = fakeStream({
      sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', startLimiter: false,
      retry: { retries, minDelayMs: 10, maxDelayMs: 10, healthyAfterMs: 60_000 },
    });
    const unconfirmed: UnconfirmedEvent[] = [];
    run.stream.on('unconfirmed', (e: UnconfirmedEvent) => unconfirmed.push(e));
    let ended = false;
    run.stream.on('end', () => (ended = true));
    run.stream.resume();
    run.stream.end(Buffer.alloc(2_000 * bytesPerMs, 0x11));
    for (let t = 0; t < 60_000 && !ended && run.errors.length === 0; t += 100) {
      await runClock(run.clock, 100);
      for (const call of run.transport.calls) if (call.halfClosed && !call.ended) call.finish();
    }
    expect(run.errors).toEqual([]);
    expect(ended).toBe(true);
    expect(unconfirmed).toHaveLength(1);
    expect(unconfirmed[0]!.toMs).toBeGreaterThanOrEqual(2_000);
    expect(unconfirmed[0]!.fromMs).toBe(0);
    // Bounded: the first session and at most two replays of the unconfirmed speech.
    expect(run.transport.calls.length).toBeLessThanOrEqual(3);
  });
});

describe('end of stream: finals without word times', () => {
  it('a late final for an earlier utterance does not make the last one look finalized (a service that ends OK on half-close keeps it)', async () => {
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', pace: 0, startLimiter: false, retry: { minDelayMs: 10, maxDelayMs: 10 } });
    const unconfirmed: UnconfirmedEvent[] = [];
    run.stream.on('unconfirmed', (e: UnconfirmedEvent) => unconfirmed.push(e));
    let ended = false;
    run.stream.on('end', () => (ended = true));
    run.stream.resume();
    const speech = (ms: number) => Buffer.alloc(ms * bytesPerMs, 0x11);
    const pause = (ms: number) => Buffer.alloc(ms * bytesPerMs);
    // Two utterances; the audio ends right after the second.
    run.stream.end(Buffer.concat([speech(500), pause(1_000), speech(500)]));
    await runClock(run.clock, 50);
    const call = run.transport.calls[0]!;
    // The first utterance's final (no word times) comes once all the audio is sent.
    call.respond({ chunks: [{ alternatives: [{ text: 'one', confidence: 1, words: [] }], final: true, end_of_utterance: true }] });
    await runClock(run.clock, 50);
    // Flush silence follows instead of an immediate half-close; the service finalizes the second.
    expect(call.halfClosed).toBe(false);
    call.respond({ chunks: [{ alternatives: [{ text: 'two', confidence: 1, words: [] }], final: true, end_of_utterance: true }] });
    for (let t = 0; t < 20_000 && !ended; t += 100) {
      await runClock(run.clock, 100);
      for (const c of run.transport.calls) if (c.halfClosed && !c.ended) c.finish();
    }
    expect(run.errors).toEqual([]);
    expect(ended).toBe(true);
    expect(run.results.filter((r) => r.final).map((r) => r.text)).toEqual(['one', 'two']);
    expect(unconfirmed).toEqual([]);
  });
});
