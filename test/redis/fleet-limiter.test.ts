import { describe, expect, it } from 'vitest';
import { ErrorCodes, SpeechKitError } from '../../src/errors.js';
import { createRedisStartLimiter, type RedisFallbackEvent, type RedisSharedEvent, type RedisStartLimiter, type RedisStartLimiterOptions } from '../../src/redis/index.js';
import { isSessionStartLimiter } from '../../src/session/start-limiter.js';
import { seededRandom } from '../helpers/dialled.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeRedis, type FakeRedisClient } from '../helpers/fake-redis.js';
import { runClock } from '../helpers/fake-transport.js';

/**
 * The fleet limiter's own logic on fake time, against an in-memory stand-in for Redis (the real
 * script against a real redis-server: fleet.test.ts and outage.test.ts).
 */

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

function limiter(client: FakeRedisClient, clock: FakeClock, options: Partial<RedisStartLimiterOptions> = {}) {
  const made = createRedisStartLimiter({ redis: client, clock, ...options });
  const events: (['fallback', RedisFallbackEvent] | ['shared', RedisSharedEvent])[] = [];
  made.on('fallback', (e) => events.push(['fallback', e]));
  made.on('shared', (e) => events.push(['shared', e]));
  return { limiter: made, events };
}

/** Queues `n` starts on `l`, recording when each is granted. */
function queue(l: RedisStartLimiter, n: number, clock: FakeClock, into: { who: string; i: number; at: number }[], who: string) {
  return Array.from({ length: n }, (_, i) => l.acquire(() => into.push({ who, i, at: clock.now() })));
}

const INTERVAL_40 = 1050 / 40;

describe('the fleet start limiter (fake Redis, fake clock)', () => {
  it('spaces the starts of two processes evenly on one schedule, first come first served, on the server clock', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const a = limiter(redis.connect(), clock).limiter;
    const b = limiter(redis.connect(), clock).limiter;
    expect(isSessionStartLimiter(a)).toBe(true);
    const grants: { who: string; i: number; at: number }[] = [];
    // Both have loaded the script (each loads it once, before its first call).
    queue(a, 1, clock, [], 'warm');
    queue(b, 1, clock, [], 'warm');
    await runClock(clock, 100, 1);
    redis.reservations.length = 0;
    for (let i = 0; i < 30; i++) {
      queue(a, 1, clock, grants, 'a');
      queue(b, 1, clock, grants, 'b');
    }
    expect(a.waiting).toBe(30);
    await runClock(clock, 3_000, 1);
    expect(grants).toHaveLength(60);
    // The asks reached Redis alternately, so the slots alternate.
    expect(grants.map((g) => g.who).join('')).toBe('ab'.repeat(30));
    const times = grants.map((g) => g.at);
    for (let k = 1; k < times.length; k++) expect(Math.abs(times[k]! - times[k - 1]! - INTERVAL_40)).toBeLessThanOrEqual(1.01);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(40);
    // Each slot went when the server's clock said, mapped here (the server's clock is 54 years ahead of this one).
    redis.reservations.forEach((slotUs, k) => expect(Math.abs(times[k]! - (slotUs / 1000 - redis.serverOffsetMs))).toBeLessThanOrEqual(2));
    expect(a.waiting + b.waiting).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps its slots on the server clock when every answer of a burst is read late', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const l = limiter(client, clock, { perSecond: 40 }).limiter;
    // Created a while before the burst: it asked the server's time while it was quick.
    await runClock(clock, 1_000, 1);
    // The burst: each answer sits 40 ms unread (the process is busy starting 20 streams).
    client.replyDelayMs = 40;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 20, clock, grants, 'p');
    await runClock(clock, 1_000, 1);
    expect(grants).toHaveLength(20);
    const slots = redis.reservations.map((us) => us / 1000 - redis.serverOffsetMs);
    // The first slot was "now" when the script ran: nothing after it to crowd, it went when read.
    // Every other went at its time on the server's clock, not 40 ms later.
    for (let k = 2; k < 20; k++) expect(Math.abs(grants[k]!.at - slots[k]!)).toBeLessThanOrEqual(1);
  });

  it('never lets the fleet start more than perSecond in any second, or hold more than maxConcurrent, and grants every waiter once (random schedules)', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const clock = new FakeClock();
      const redis = new FakeRedis(clock);
      const random = seededRandom(seed);
      const perSecond = [40, 17, 100, 40][seed - 1]!;
      const maxConcurrent = seed % 2 === 0 ? 12 : undefined;
      const processes = Array.from({ length: 3 }, () => {
        const client = redis.connect();
        // Every answer takes its own time, up to 20 ms: the schedule must not care.
        client.latency = () => 0.2 + random() * 20;
        return limiter(client, clock, { perSecond, maxConcurrent, leaseTtlMs: 2_000 }).limiter;
      });
      const starts: number[] = [];
      let open = 0;
      let mostOpen = 0;
      const granted = new Map<number, number>();
      const cancelled = new Set<number>();
      let asked = 0;
      for (let t = 0; t < 8_000; t += 10) {
        const arrivals = random() < 0.4 ? Math.floor(random() * 8) : 0;
        for (let k = 0; k < arrivals; k++) {
          const id = asked++;
          const l = processes[Math.floor(random() * processes.length)]!;
          const cancel = l.acquire(() => {
            granted.set(id, (granted.get(id) ?? 0) + 1);
            starts.push(clock.now());
            mostOpen = Math.max(mostOpen, ++open);
            // The session runs a while, then ends.
            clock.setTimeout(() => {
              open--;
              l.release();
            }, 50 + random() * 1_500);
          });
          if (random() < 0.1) {
            clock.setTimeout(() => {
              if (!granted.has(id)) cancelled.add(id);
              cancel();
            }, random() * 500);
          }
        }
        await runClock(clock, 10, 1);
      }
      // Until every waiter has had its turn (the cap makes it take longer than the rate alone).
      for (let s = 0; s < 300 && (open > 0 || processes.some((p) => p.waiting > 0)); s++) await runClock(clock, 1_000, 5);
      await runClock(clock, 1_000, 5);
      for (let id = 0; id < asked; id++) {
        if (cancelled.has(id)) expect(granted.has(id), `seed ${seed}: cancelled ${id} was granted`).toBe(false);
        else expect(granted.get(id), `seed ${seed}: waiter ${id}`).toBe(1);
      }
      expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(perSecond);
      if (maxConcurrent) {
        expect(mostOpen).toBeLessThanOrEqual(maxConcurrent);
        expect(mostOpen).toBe(maxConcurrent);
      }
      expect(processes.map((p) => p.waiting + p.held)).toEqual([0, 0, 0]);
      expect(redis.liveLeases()).toBe(0);
    }
  });

  it('gives up a slot whose time passed while the process was paused, and takes another', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const l = limiter(redis.connect(), clock, { perSecond: 10 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 3, clock, grants, 'p');
    await runClock(clock, 5, 1);
    // Three slots reserved: at ~1, ~106 and ~211 ms; the first went at once.
    expect(redis.reservations).toHaveLength(3);
    expect(grants).toHaveLength(1);
    // The process stops for 150 ms: the second slot goes by meanwhile.
    clock.pause(150);
    await runClock(clock, 1_000, 1);
    expect(grants).toHaveLength(3);
    // Given up (going now would start it with the third), the waiters took the third slot and a
    // new one at the end of the schedule.
    expect(redis.reservations).toHaveLength(4);
    const slotLocal = redis.reservations.map((us) => us / 1000 - redis.serverOffsetMs);
    expect(grants.map((g) => Math.round(g.at))).toEqual([0, 2, 3].map((k) => Math.round(slotLocal[k]!)));
    for (let k = 1; k < grants.length; k++) expect(grants[k]!.at - grants[k - 1]!.at).toBeGreaterThanOrEqual(104);
  });

  it('takes a slot whose answer sat unread as late, not as a slot that starts now', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const l = limiter(client, clock, { perSecond: 10 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 1, clock, grants, 'p');
    await runClock(clock, 200, 1);
    expect(grants).toHaveLength(1);
    // Other processes hold the next 200 ms. The next answer is read 300 ms after the script ran:
    // the slot it names is gone by then, however fresh the answer looks here.
    redis.occupy(2, 105_000);
    client.replyDelayMs = 300;
    queue(l, 1, clock, grants, 'p');
    while (redis.reservations.length < 2) await runClock(clock, 1, 1);
    client.replyDelayMs = 0;
    await runClock(clock, 400, 1);
    // It was given up, and the start went in a new slot.
    expect(grants).toHaveLength(2);
    expect(redis.reservations).toHaveLength(3);
    expect(grants[1]!.at).toBeCloseTo(redis.reservations[2]! / 1000 - redis.serverOffsetMs, 0);
  });

  it('never uses a late slot of a busy schedule, however often; a slot of a free one is used even late', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const intervalUs = 105_000;
    const l = limiter(client, clock, { perSecond: 10 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 1, clock, grants, 'p');
    // Other processes hold the next second each time; this one's slot comes after, and it pauses past it.
    redis.occupy(10, intervalUs);
    for (let round = 0; round < 6; round++) {
      while (redis.reservations.length < round + 1) await runClock(clock, 1, 1);
      const slotLocal = redis.reservations[round]! / 1000 - redis.serverOffsetMs;
      clock.pause(slotLocal - clock.now() + 200);
      if (round < 5) redis.occupy(10, intervalUs);
      else client.replyDelayMs = 200;
      await runClock(clock, 3, 1);
      expect(grants).toHaveLength(0);
    }
    // The last time the schedule was left free: the slot was "now", and its answer was read 200 ms
    // late. Nothing was scheduled after it to crowd, so it went.
    await runClock(clock, 300, 1);
    expect(redis.reservations).toHaveLength(7);
    expect(grants).toHaveLength(1);
  });

  it('falls back to its local rate when Redis refuses, says so, and goes back to the shared schedule when Redis answers', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const { limiter: l, events } = limiter(client, clock, { perSecond: 40 });
    const grants: { who: string; i: number; at: number }[] = [];
    client.state = 'refusing';
    queue(l, 24, clock, grants, 'p');
    await runClock(clock, 10, 1);
    expect(l.mode).toBe('fallback');
    expect(events).toEqual([['fallback', { reason: expect.stringContaining('ECONNREFUSED'), perSecond: 10, maxConcurrent: undefined }]]);
    await runClock(clock, 1_000, 1);
    // A quarter of the quota, with the fleet's margin and the local limiter's own 2 %: one every 107 ms.
    const local = grants.map((g) => g.at);
    expect(local.length).toBeGreaterThanOrEqual(9);
    expect(local.length).toBeLessThanOrEqual(10);
    for (let k = 1; k < local.length; k++) expect(local[k]! - local[k - 1]!).toBeCloseTo(107.1, 0);
    client.state = 'up';
    // Probed once a second: back at 2 s, and the rest go through Redis at the shared rate.
    await runClock(clock, 1_000, 1);
    expect(l.mode).toBe('shared');
    expect(events[1]).toEqual(['shared', { downMs: expect.closeTo(2_000, -2) }]);
    await runClock(clock, 400, 1);
    expect(grants).toHaveLength(24);
    expect(redis.reservations.length).toBeGreaterThanOrEqual(2);
    const shared = grants.slice(-2).map((g) => g.at);
    expect(shared[1]! - shared[0]!).toBeCloseTo(INTERVAL_40, 0);
  });

  it('uses the slots it reserved before Redis went away first, and only then its local rate', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const { limiter: l, events } = limiter(client, clock, { perSecond: 40 });
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 10, clock, grants, 'reserved');
    await runClock(clock, 5, 1);
    expect(redis.reservations).toHaveLength(10);
    client.state = 'refusing';
    queue(l, 4, clock, grants, 'local');
    await runClock(clock, 10, 1);
    expect(events.map(([name]) => name)).toEqual(['fallback']);
    await runClock(clock, 900, 1);
    expect(grants.map((g) => g.who)).toEqual([...Array(10).fill('reserved'), ...Array(4).fill('local')]);
    const times = grants.map((g) => g.at);
    // 26 ms apart on the shared schedule, then 107 ms apart at the local rate (10 a second, with the margin and the local 2 %), never both at once.
    for (let k = 1; k < 10; k++) expect(times[k]! - times[k - 1]!).toBeCloseTo(INTERVAL_40, 0);
    for (let k = 11; k < 14; k++) expect(times[k]! - times[k - 1]!).toBeCloseTo(107.1, 0);
    expect(times[10]!).toBeGreaterThanOrEqual(times[9]!);
  });

  it('bounds every command in time: a Redis that never answers means fallback after commandTimeoutMs, never a hang', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const { limiter: l, events } = limiter(client, clock, { perSecond: 40, commandTimeoutMs: 500 });
    client.state = 'silent';
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 3, clock, grants, 'p');
    await runClock(clock, 499, 1);
    expect(l.mode).toBe('shared');
    expect(grants).toHaveLength(0);
    await runClock(clock, 2, 1);
    expect(l.mode).toBe('fallback');
    expect(events[0]![1]).toMatchObject({ reason: 'no answer from Redis within 500 ms' });
    await runClock(clock, 400, 1);
    expect(grants).toHaveLength(3);
    // Probes that get no answer do not pile up: one at a time, every second and a half (a second
    // apart, each given up after its 500 ms), each at most a script load and the call.
    const before = redis.commands.length;
    await runClock(clock, 6_000, 10);
    const probes = redis.commands.slice(before).filter((c) => c.command === 'SCRIPT');
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.length).toBeLessThanOrEqual(5);
    expect(redis.commands.length - before).toBeLessThanOrEqual(2 * probes.length);
  });

  it('frees the lease of a reservation that answered only after its timeout', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const client = redis.connect();
    const l = limiter(client, clock, { maxConcurrent: 5, commandTimeoutMs: 500 }).limiter;
    client.latencyMs = 700;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 1, clock, grants, 'p');
    await runClock(clock, 1_450, 1);
    expect(l.mode).toBe('fallback');
    expect(grants).toHaveLength(1);
    // The EVAL (after NOSCRIPT) ran at 1.4 s and took a lease nobody uses; its answer came late.
    await runClock(clock, 1_500, 1);
    expect([...redis.leases.keys()]).toEqual([]);
  });

  it('caps the sessions open across the fleet; a release hands the place on', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const a = limiter(redis.connect(), clock, { maxConcurrent: 2 }).limiter;
    const b = limiter(redis.connect(), clock, { maxConcurrent: 2 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(a, 2, clock, grants, 'a');
    await runClock(clock, 100, 1);
    expect(a.held).toBe(2);
    queue(b, 1, clock, grants, 'b');
    await runClock(clock, 3_000, 1);
    expect(grants.map((g) => g.who)).toEqual(['a', 'a']);
    // Full: b asks again every 200 ms, one question at a time.
    const asks = redis.commands.filter((c) => c.op === 'reserve' && c.client !== undefined).length;
    expect(asks).toBeLessThan(2 + 2 * (3_000 / 200) + 4);
    const releasedAt = clock.now();
    a.release();
    await runClock(clock, 300, 1);
    expect(grants.map((g) => g.who)).toEqual(['a', 'a', 'b']);
    expect(grants[2]!.at - releasedAt).toBeLessThanOrEqual(202);
    expect([a.held, b.held]).toEqual([1, 1]);
    a.release();
    b.release();
    await runClock(clock, 10, 1);
    expect(redis.liveLeases()).toBe(0);
  });

  it('keeps the places of a live process past their TTL, and frees those of one cut off when their lease lapses', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const aClient = redis.connect();
    const a = limiter(aClient, clock, { maxConcurrent: 2, leaseTtlMs: 1_500 }).limiter;
    const b = limiter(redis.connect(), clock, { maxConcurrent: 2, leaseTtlMs: 1_500 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(a, 2, clock, grants, 'a');
    await runClock(clock, 100, 1);
    queue(b, 1, clock, grants, 'b');
    // Three TTLs: a renews its leases every 500 ms, so b never gets in.
    await runClock(clock, 4_500, 5);
    expect(grants.map((g) => g.who)).toEqual(['a', 'a']);
    expect(redis.commands.filter((c) => c.op === 'renew').length).toBeGreaterThanOrEqual(8);
    // a is cut off (a crash looks the same from Redis): no renewal reaches Redis any more.
    aClient.state = 'silent';
    const cutAt = clock.now();
    await runClock(clock, 3_000, 5);
    expect(grants.map((g) => g.who)).toEqual(['a', 'a', 'b']);
    const waited = grants[2]!.at - cutAt;
    // The last renewal was at most 500 ms before the cut: the leases lapse 1-1.5 s after it.
    expect(waited).toBeGreaterThan(900);
    expect(waited).toBeLessThanOrEqual(1_500 + 200 + 30);
  });

  it('frees the lease of a slot whose waiter left before it came', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const l = limiter(redis.connect(), clock, { maxConcurrent: 10, perSecond: 1 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    const [, cancel] = queue(l, 2, clock, grants, 'p');
    await runClock(clock, 10, 1);
    expect(redis.liveLeases()).toBe(2);
    // The first went at once; the second waits for its slot a second later, and leaves.
    expect(grants).toHaveLength(1);
    cancel!();
    expect(l.waiting).toBe(0);
    await runClock(clock, 10, 1);
    expect(redis.liveLeases()).toBe(1);
    await runClock(clock, 3_000, 10);
    expect(grants).toHaveLength(1);
    expect(l.held).toBe(1);
  });

  it('close() frees its leases in Redis and leaves later starts to the local rate', async () => {
    const clock = new FakeClock();
    const redis = new FakeRedis(clock);
    const l = limiter(redis.connect(), clock, { maxConcurrent: 10 }).limiter;
    const grants: { who: string; i: number; at: number }[] = [];
    queue(l, 3, clock, grants, 'p');
    await runClock(clock, 200, 1);
    expect(redis.liveLeases()).toBe(3);
    const closed = l.close();
    await runClock(clock, 10, 1);
    await closed;
    expect(l.mode).toBe('closed');
    expect(redis.liveLeases()).toBe(0);
    const before = redis.commands.length;
    queue(l, 2, clock, grants, 'p');
    await runClock(clock, 500, 1);
    expect(grants).toHaveLength(5);
    expect(redis.commands.length).toBe(before);
  });

  it('rejects bad options before connecting, naming the option and never quoting a URL', () => {
    const clock = new FakeClock();
    const client = new FakeRedis(clock).connect();
    const bad: [Partial<RedisStartLimiterOptions>, string][] = [
      [{ perSecond: 0 }, 'perSecond'],
      [{ key: 'a{b}' }, 'key'],
      [{ marginMs: -1 }, 'marginMs'],
      [{ maxConcurrent: 2.5 }, 'maxConcurrent'],
      [{ leaseTtlMs: 100 }, 'leaseTtlMs'],
      [{ fallbackPerSecond: Number.NaN }, 'fallbackPerSecond'],
      [{ commandTimeoutMs: 0 }, 'commandTimeoutMs'],
      [{ redis: {} as never }, 'redis'],
      [{ redis: 'http://:p4ssw0rd-not-shown@host:6379' }, 'redis'],
      [{ redis: 'redis://:p4ssw0rd-not-shown@[bad' }, 'redis'],
    ];
    for (const [options, option] of bad) {
      let error: unknown;
      try {
        createRedisStartLimiter({ redis: client, clock, ...options });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SpeechKitError);
      expect((error as SpeechKitError).code).toBe(ErrorCodes.INVALID_OPTION);
      expect((error as SpeechKitError).option).toBe(option);
      expect(String((error as Error).message)).not.toContain('p4ssw0rd');
    }
  });
});
