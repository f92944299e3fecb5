import { describe, expect, it } from 'vitest';
import { fakeStream, flushMicrotasks } from '../helpers/fake-transport.js';

const rate = 8000;
const bytesPerMs = (rate * 2) / 1000;

describe('a stalled session: the speech it never answered is replayed', () => {
  it.each([{ partialResults: true }, { partialResults: false }])('v2 %o: the replay after the stall still holds the unanswered speech', async (extra) => {
    // Before: the stream took the unanswered speech for a click 3 s after it (no final came),
    // confirmed past it, and the stall (noticed at 5 s) replayed only the silence after it.
    const run = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', startLimiter: false, stallTimeoutMs: 5_000, ...extra });
    const retries: { code: string }[] = [];
    run.stream.on('retry', (e: { code: string }) => retries.push(e));
    for (let t = 0; t < 12_000; t += 100) {
      run.stream.write(Buffer.alloc(100 * bytesPerMs, t < 1_000 ? 0x11 : 0));
      await flushMicrotasks();
      run.clock.advance(100);
    }
    await flushMicrotasks();
    expect(retries.map((r) => r.code)).toContain('SPEECHKIT_ERR_STALLED');
    const second = run.transport.calls[1]!;
    const speech = second.audio().filter((b) => b === 0x11).length;
    expect(speech).toBe(1_000 * bytesPerMs);
  });
});
