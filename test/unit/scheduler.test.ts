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
