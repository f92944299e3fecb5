import { describe, expect, it } from 'vitest';
import type { RetryEvent } from '../../src/session/recovery-policy.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { fakeStream, flushMicrotasks, runClock, type FakeCall } from '../helpers/fake-transport.js';

// A slow process (or service) is not a dead connection: the stall check on fake time.
const rate = 8000;
const T = 2000;
const loud = (n: number) => Buffer.alloc((rate * 2 * n) / 1000, 0x11);
const setup = (clock = new FakeClock()) => {
  const s = fakeStream({ sampleRateHertz: rate, audioEncoding: 'LINEAR16_PCM', stallTimeoutMs: T, retry: { minDelayMs: 0, maxDelayMs: 0 }, maxBufferedMs: 60_000 }, clock);
  const retries: RetryEvent[] = [];
  s.stream.on('retry', (e: RetryEvent) => retries.push(e));
  s.transport.onOpen = (call) => (call.holdAcks = true);
  return { ...s, retries };
};

/** Acknowledges, in order, every held write of `call` made at or before `upTo`. */
function release(call: FakeCall, upTo: number, done: Map<FakeCall, number>): void {
  let i = done.get(call) ?? 0;
  while (i < call.heldAcks.length && call.writes[i]!.at <= upTo) call.heldAcks[i++]!();
  done.set(call, i);
}

describe('stall check: a slow process is not a dead connection', () => {
  it('a timer that fires late (the process was paused) looks again after the I/O waiting behind it', async () => {
    const { clock, transport, stream, retries } = setup();
    stream.write(loud(8000));
    await runClock(clock, 500);
    clock.pause(3 * T); // the event loop is starved: the acknowledgements wait, unread
    clock.advance(0); // the stall timer runs first, late
    const call = transport.calls[0]!;
    release(call, Infinity, new Map());
    call.holdAcks = false;
    await runClock(clock, 3000);
    expect(retries).toEqual([]);
    expect(transport.calls).toHaveLength(1);
  });

  it('late or not, a connection that delivers nothing is still given up', async () => {
    const { clock, transport, stream, retries } = setup();
    stream.write(loud(8000));
    await runClock(clock, 500);
    clock.pause(3 * T);
    clock.advance(0);
    await flushMicrotasks();
    clock.advance(1);
    await flushMicrotasks();
    expect(retries).toMatchObject([{ code: 'SPEECHKIT_ERR_STALLED' }]);
    expect(transport.calls[0]!.cancelled).toBe(true);
  });

  it('calls on one connection all acknowledged later and later: none is stalled; when the connection then goes silent, it is', async () => {
    const clock = new FakeClock();
    const token = {};
    const streams = [setup(clock), setup(clock)];
    for (const s of streams) {
      s.transport.connection = token;
      s.stream.write(loud(20_000));
    }
    // The connection falls behind: a write made at w comes back at 1.5 w (lag w / 2, up to 3 T).
    const done = new Map<FakeCall, number>();
    const lagAt = (t: number) => Math.min(3 * T, t / 3);
    for (let t = 0; t < 12_000; t += 50) {
      await runClock(clock, 50, 50);
      for (const s of streams) release(s.transport.calls[0]!, clock.now() - lagAt(clock.now()), done);
    }
    for (const s of streams) expect(s.retries).toEqual([]);
    // The connection stops forwarding: within the lag it showed plus one timeout, both are given up.
    const silentFrom = clock.now();
    for (const s of streams) expect(s.transport.calls).toHaveLength(1);
    await runClock(clock, 3 * T + T + 200, 50);
    for (const s of streams) expect(s.retries[0]).toMatchObject({ code: 'SPEECHKIT_ERR_STALLED', session: 0 });
    expect(clock.now() - silentFrom).toBeLessThanOrEqual(4 * T + 200);
  });

  it('the same schedule on a call that names no connection is a stall (its lag passes the timeout)', async () => {
    const alone = setup();
    alone.stream.write(loud(20_000));
    const done = new Map<FakeCall, number>();
    for (let t = 0; t < 8000; t += 50) {
      await runClock(alone.clock, 50, 50);
      const now = alone.clock.now();
      release(alone.transport.calls[0]!, now - Math.min(3 * T, now / 3), done);
    }
    expect(alone.retries[0]).toMatchObject({ code: 'SPEECHKIT_ERR_STALLED', session: 0 });
  });

  it('a call stuck alone while its neighbour on the connection is served on time: stalled after the timeout', async () => {
    const clock = new FakeClock();
    const token = {};
    const stuck = setup(clock);
    const served = setup(clock);
    for (const s of [stuck, served]) {
      s.transport.connection = token;
      s.stream.write(loud(8000));
    }
    served.transport.onOpen = undefined;
    const done = new Map<FakeCall, number>();
    for (let t = 0; t < T + 300; t += 50) {
      await runClock(clock, 50, 50);
      release(served.transport.calls[0]!, clock.now() - 20, done);
    }
    expect(stuck.retries).toMatchObject([{ code: 'SPEECHKIT_ERR_STALLED' }]);
    expect(served.retries).toEqual([]);
  });
});
