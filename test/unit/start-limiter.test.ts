import { describe, expect, it } from 'vitest';
import { createSessionStartLimiter, isSessionStartLimiter, sharedStartLimiter } from '../../src/session/start-limiter.js';
import { createScheduler } from '../../src/timing/scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { seededRandom } from '../helpers/dialled.js';

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('session start limiter', () => {
  it('spaces a burst of starts evenly, first come first served', () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 40, clock });
    const granted: [number, number][] = [];
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    for (let i = 0; i < 100; i++) limiter.acquire(() => granted.push([i, clock.now()]));
    expect(limiter.waiting).toBe(100);
    clock.advance(10_000);
    expect(granted.map(([i]) => i)).toEqual([...Array(100).keys()]);
    // 25 ms apart, plus the 2 % margin.
    granted.forEach(([, t], k) => expect(t).toBeCloseTo(25.5 * (k + 1), 3));
    expect(limiter.waiting).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never lets more than perSecond start in any second, whatever the arrivals and cancels', () => {
    for (const perSecond of [40, 7, 100]) {
      const clock = new FakeClock();
      const limiter = createSessionStartLimiter({ perSecond, clock });
      const random = seededRandom(perSecond);
      const starts: number[] = [];
      let asked = 0;
      let cancelled = 0;
      for (let t = 0; t < 20_000; t += 5) {
        const arrivals = random() < 0.3 ? Math.floor(random() * 12) : 0;
        for (let k = 0; k < arrivals; k++) {
          asked++;
          if (random() < 0.5 && limiter.tryAcquire()) {
            starts.push(clock.now());
            continue;
          }
          const cancel = limiter.acquire(() => starts.push(clock.now()));
          if (random() < 0.1) {
            cancel();
            cancelled++;
          }
        }
        clock.advance(5);
      }
      // Long enough for every waiter at the limiter's rate.
      clock.advance(((asked + 1) / perSecond) * 1000);
      expect(limiter.waiting).toBe(0);
      expect(starts).toHaveLength(asked - cancelled);
      expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(perSecond);
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1000 / perSecond);
    }
  });

  it('grants at once after a quiet spell, and a cancelled waiter gives its turn to the next', () => {
    const clock = new FakeClock();
    const limiter = createSessionStartLimiter({ perSecond: 10, clock });
    const log: string[] = [];
    limiter.acquire(() => log.push(`a@${clock.now()}`));
    const cancelB = limiter.acquire(() => log.push(`b@${clock.now()}`));
    limiter.acquire(() => log.push(`c@${clock.now()}`));
    cancelB();
    clock.advance(1000);
    expect(log.map((l) => l.replace(/@(.*)/, (_, t: string) => `@${Math.round(Number(t))}`))).toEqual(['a@0', 'c@102']);
    clock.advance(5000);
    expect(limiter.tryAcquire()).toBe(true);
    const cancelD = limiter.acquire(() => log.push('d'));
    cancelD();
    cancelD();
    expect(limiter.waiting).toBe(0);
    clock.advance(1000);
    expect(log).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('is shared per endpoint and clock by default, at the service quota', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    const a = sharedStartLimiter(scheduler, 'stt.api.cloud.yandex.net:443');
    expect(sharedStartLimiter(scheduler, 'stt.api.cloud.yandex.net:443')).toBe(a);
    expect(sharedStartLimiter(scheduler, '127.0.0.1:5000')).not.toBe(a);
    expect(a.perSecond).toBe(40);
    expect(isSessionStartLimiter(a)).toBe(true);
    expect(isSessionStartLimiter({ tryAcquire() {}, acquire() {} })).toBe(false);
  });

  it('refuses a rate that is not a positive number, naming it', () => {
    for (const perSecond of [0, -5, NaN, Infinity]) {
      expect(() => createSessionStartLimiter({ perSecond })).toThrow(
        expect.objectContaining({ code: 'SPEECHKIT_ERR_INVALID_OPTION', option: 'perSecond' }),
      );
    }
  });
});
