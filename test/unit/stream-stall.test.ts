import { describe, expect, it } from 'vitest';
import { resolveOptions, type RecognizeStreamOptions } from '../../src/options.js';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { fakeStream, runClock, v2Final } from '../helpers/fake-transport.js';

const rate = 8000;
const loud = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0x11);
const quiet = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0);
const setup = (options: Record<string, unknown> = {}) =>
  fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', stallTimeoutMs: 2000, retry: { minDelayMs: 0, maxDelayMs: 0 }, ...options });

describe('stall detection on a fake clock', () => {
  it('validates stallTimeoutMs, naming it; default 5000 ms', () => {
    expect(resolveOptions({ auth: { iamToken: 't' } }).stallTimeoutMs).toBe(5000);
    for (const stallTimeoutMs of [0, 199, 300_001, NaN, Infinity, '5000']) {
      expect(() => resolveOptions({ auth: { iamToken: 't' }, stallTimeoutMs } as unknown as RecognizeStreamOptions)).toThrow(
        expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'stallTimeoutMs', message: expect.stringContaining('`stallTimeoutMs`') }),
      );
    }
  });

  it('writes the connection does not take for stallTimeoutMs: cancelled, retried as STALLED, replayed', async () => {
    const { clock, transport, stream, errors } = setup();
    const retries: RetryEvent[] = [];
    stream.on('retry', (e: RetryEvent) => retries.push(e));
    transport.onOpen = (call) => {
      if (transport.calls.length === 1) call.holdAcks = true;
    };
    stream.write(loud(1000));
    await runClock(clock, 1900);
    expect(transport.calls).toHaveLength(1);
    await runClock(clock, 300);
    expect(transport.calls[0]!.cancelled).toBe(true);
    expect(retries).toMatchObject([{ attempt: 1, code: 'SPEECHKIT_ERR_STALLED', session: 0 }]);
    await runClock(clock, 1500);
    // The new session hears the whole second again (nothing was confirmed), then keep-alive silence.
    expect(transport.calls).toHaveLength(2);
    expect(transport.calls[1]!.audio().subarray(0, loud(1000).length).equals(loud(1000))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('v2: a pause after speech owes the final; none for stallTimeoutMs is a stall, a final is not', async () => {
    const { clock, stream } = setup({ idle: { afterMs: 300 } });
    const retries: RetryEvent[] = [];
    stream.on('retry', (e: RetryEvent) => retries.push(e));
    stream.write(Buffer.concat([loud(500), quiet(1500)]));
    await runClock(clock, 3000);
    // Owed from 1 s into the pause (1.5 s), stalled 2 s later.
    expect(retries).toEqual([]);
    await runClock(clock, 600);
    expect(retries).toMatchObject([{ code: 'SPEECHKIT_ERR_STALLED' }]);

    // The same with the final arriving: no stall, through a minute of silence.
    const other = setup({ idle: { afterMs: 300 } });
    const otherRetries: RetryEvent[] = [];
    other.stream.on('retry', (e: RetryEvent) => otherRetries.push(e));
    other.stream.write(Buffer.concat([loud(500), quiet(1500)]));
    await runClock(other.clock, 1200);
    other.transport.calls[0]!.respond(v2Final('1', 0, 500));
    await runClock(other.clock, 60_000, 100);
    expect(otherRetries).toEqual([]);
    expect(other.transport.calls).toHaveLength(1);
  });

  it('v2: noise the service never answers costs one reconnect, not the stream', async () => {
    const { clock, transport, stream, errors } = setup({ idle: { afterMs: 300 }, maxBufferedMs: 60_000 });
    const retries: RetryEvent[] = [];
    stream.on('retry', (e: RetryEvent) => retries.push(e));
    // Bursts of noise with pauses, for a minute; the service (alive, acknowledging) says nothing.
    for (let i = 0; i < 30; i++) stream.write(Buffer.concat([loud(500), quiet(1500)]));
    await runClock(clock, 70_000, 50);
    expect(retries.map((r) => r.code)).toEqual(['SPEECHKIT_ERR_STALLED']);
    expect(transport.calls).toHaveLength(2);
    expect(errors).toEqual([]);
    // Once the quiet session hears back, it is held to the rule again.
    const call = transport.calls[1]!;
    call.respond(v2Final('1', 0, 100));
    stream.write(Buffer.concat([loud(500), quiet(1500)]));
    await runClock(clock, 5_000, 50);
    expect(retries.map((r) => r.code)).toEqual(['SPEECHKIT_ERR_STALLED', 'SPEECHKIT_ERR_STALLED']);
  });
});
