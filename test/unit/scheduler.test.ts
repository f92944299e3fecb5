import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/timing/scheduler.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('scheduler', () => {
  it('runs callbacks in time order from a single clock timer', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    const order: string[] = [];
    for (const [name, at] of [['c', 30], ['a', 10], ['b', 20], ['a2', 10]] as const) scheduler.at(at, () => order.push(name));
    expect(clock.pendingTimers).toBe(1);
    clock.advance(15);
    expect(order).toEqual(['a', 'a2']);
    clock.advance(100);
    expect(order).toEqual(['a', 'a2', 'b', 'c']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('coalesces a thousand streams into one timer and fires each at its time', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    const fired: number[] = [];
    for (let i = 0; i < 1000; i++) scheduler.at((i % 100) + 1, () => fired.push(clock.now()));
    expect(clock.pendingTimers).toBe(1);
    clock.advance(200);
    expect(fired).toHaveLength(1000);
    expect(fired.every((t, i) => t >= 1 && (i === 0 || t >= fired[i - 1]!))).toBe(true);
  });

  it('cancels, and re-arms for an earlier deadline', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    const fired: string[] = [];
    const cancelLate = scheduler.at(100, () => fired.push('late'));
    scheduler.at(50, () => fired.push('early'));
    cancelLate();
    clock.advance(60);
    expect(fired).toEqual(['early']);
    clock.advance(100);
    expect(fired).toEqual(['early']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets a callback schedule the next wake-up', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (ticks < 5) scheduler.at(clock.now() + 10, tick);
    };
    scheduler.at(10, tick);
    clock.advance(100);
    expect(ticks).toBe(5);
  });
});

describe('scheduler timers (reusable entries)', () => {
  it('moves a pending timer instead of adding another, and clears it', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    const fired: number[] = [];
    const timer = scheduler.timer(() => fired.push(clock.now()));
    timer.set(50);
    timer.set(30);
    timer.set(70);
    expect(timer.pending).toBe(true);
    clock.advance(60);
    expect(fired).toEqual([]);
    clock.advance(20);
    expect(fired).toEqual([70]);
    expect(timer.pending).toBe(false);
    timer.set(100);
    timer.clear();
    clock.advance(100);
    expect(fired).toEqual([70]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps time order across many timers moved at random, like streams re-arming per frame', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const fired: { id: number; at: number; due: number }[] = [];
    const due = new Map<number, number>();
    const timers = Array.from({ length: 300 }, (_, id) => scheduler.timer(() => fired.push({ id, at: clock.now(), due: due.get(id)! })));
    for (let round = 0; round < 5; round++) {
      timers.forEach((t, id) => {
        const at = clock.now() + 1 + Math.floor(random() * 500);
        due.set(id, at);
        t.set(at);
      });
      // Some are cleared, some moved again.
      timers.forEach((t, id) => {
        if (id % 7 === 0) t.clear();
        else if (id % 5 === 0) {
          const at = clock.now() + 1 + Math.floor(random() * 500);
          due.set(id, at);
          t.set(at);
        }
      });
      fired.length = 0;
      clock.advance(600);
      expect(fired).toHaveLength(timers.length - Math.ceil(timers.length / 7));
      for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.due - 1);
      for (let i = 1; i < fired.length; i++) expect(fired[i]!.due).toBeGreaterThanOrEqual(fired[i - 1]!.due);
    }
    expect(clock.pendingTimers).toBe(0);
  });

  it('runs a timer re-armed from its own callback on the next tick, not in the same loop', () => {
    const clock = new FakeClock();
    const scheduler = createScheduler(clock);
    let runs = 0;
    const timer = scheduler.timer(() => {
      runs++;
      if (runs < 3) timer.set(clock.now());
    });
    timer.set(10);
    clock.advance(10);
    expect(runs).toBeGreaterThanOrEqual(1);
    clock.advance(10);
    expect(runs).toBe(3);
  });
});
