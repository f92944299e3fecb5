import type { Clock, TimerHandle } from '../../src/timing/clock.js';

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A Clock whose time moves only when the test says so. */
export class FakeClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: FakeTimer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as FakeTimer).cancelled = true;
  }

  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const live = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = live[0];
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      next.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.time = end;
  }

  /** Moves time forward by `ms` without running any timer: the process was paused; what fell due runs late, on the next `advance`. */
  pause(ms: number): void {
    this.time += ms;
  }

  /** Runs timers until none are left or `limitMs` passes; returns the time advanced. */
  runAll(limitMs = 3_600_000): number {
    const start = this.time;
    while (this.pendingTimers > 0 && this.time - start < limitMs) {
      const next = Math.min(...this.timers.filter((t) => !t.cancelled).map((t) => t.at));
      this.advance(Math.max(0, next - this.time));
    }
    return this.time - start;
  }
}
