/** A start asked for: `granted` is cleared once it is granted or given up. */
export interface Waiter {
  granted: (() => void) | undefined;
}

/**
 * The starts waiting in this process, first come first served. Given-up waiters stay in the array
 * (cleared) until the head passes them, so cancelling is O(1) and the array is compacted only
 * when at least half of it is behind the head.
 */
export class Waiters {
  private readonly queue: Waiter[] = [];
  private head = 0;
  /** Waiters neither granted nor given up. */
  live = 0;

  add(onGranted: () => void): Waiter {
    const waiter: Waiter = { granted: onGranted };
    this.queue.push(waiter);
    this.live++;
    return waiter;
  }

  /** Gives `waiter` up; returns whether it was still waiting. */
  cancel(waiter: Waiter): boolean {
    if (!waiter.granted) return false;
    waiter.granted = undefined;
    this.live--;
    return true;
  }

  /** Takes the first waiter still waiting (its `granted` is the caller's to call), if any. */
  next(): (() => void) | undefined {
    let granted: (() => void) | undefined;
    while (this.head < this.queue.length && !granted) {
      const waiter = this.queue[this.head++]!;
      granted = waiter.granted;
      waiter.granted = undefined;
    }
    if (granted) this.live--;
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return granted;
  }
}
