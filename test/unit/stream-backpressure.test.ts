import { describe, expect, it } from 'vitest';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { fakeStream, flushMicrotasks, runClock } from '../helpers/fake-transport.js';

const rate = 8000;
const loud = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0x11);
const setup = (options: Record<string, unknown> = {}) =>
  fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', stallTimeoutMs: 2000, ...options });
const v3Final = (i: number) => ({ Event: 'final', final: { alternatives: [{ text: `w${i}` }] }, audio_cursors: { final_index: i, final_time_ms: 100 * (i + 1) } });

describe('reader backpressure on a fake clock', () => {
  it('a full readable buffer pauses every live call; reading resumes them; no stall, no drain timeout meanwhile', async () => {
    const { clock, transport, stream, errors } = setup({ api: 'v3', readableHighWaterMark: 1, drainTimeoutMs: 3000 });
    // Read nothing: the test holds the reader back (no 'data' listener).
    stream.removeAllListeners('data');
    stream.pause();
    const retries: RetryEvent[] = [];
    stream.on('retry', (e: RetryEvent) => retries.push(e));
    stream.write(loud(300));
    await runClock(clock, 500);
    const call = transport.calls[0]!;
    for (let i = 0; i < 3; i++) call.respond(v3Final(i));
    await flushMicrotasks();
    expect(call.paused).toBe(true);
    // Keep-alive goes on, the service owes nothing while we are the ones not reading.
    const writesBefore = call.writes.length;
    await runClock(clock, 20_000, 100);
    expect(call.writes.length).toBeGreaterThan(writesBefore);
    expect(retries).toEqual([]);
    expect(transport.calls).toHaveLength(1);
    // The end waits for the reader, not for a drain timeout.
    stream.end();
    await runClock(clock, 10_000, 100);
    expect(errors).toEqual([]);
    const texts: string[] = [];
    let r: { text: string } | null;
    while ((r = stream.read() as { text: string } | null) !== null) texts.push(r.text);
    expect(call.paused).toBe(false);
    call.respond(v3Final(3));
    call.finish();
    await runClock(clock, 100);
    while ((r = stream.read() as { text: string } | null) !== null) texts.push(r.text);
    expect(texts).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(errors).toEqual([]);
  });
});
