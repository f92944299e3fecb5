import type { Clock, TimerHandle } from './clock.js';

/**
 * One timer for many streams. Each stream asks to be woken at a time; the scheduler keeps the
 * earliest deadline on a single clock timer and runs everything due when it fires, so a thousand
 * paced streams cost one timer, not a thousand.
 *
 * Pacing asks for a wake-up per frame per stream (ten thousand a second for a thousand streams),
 * so the hot path allocates nothing: a stream keeps one reusable {@link SchedulerTimer} and moves
 * it in place in the heap.
 */
export interface Scheduler {
  /** Runs `fn` at (or just after) `atMs` on the scheduler's clock. Returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
  /** A reusable wake-up for `fn`: at most one pending time, moved by `set`, dropped by `clear`. */
  timer(fn: () => void): SchedulerTimer;
  readonly clock: Clock;
}

/** A reusable scheduler entry (see {@link Scheduler.timer}). */
export interface SchedulerTimer {
  /** Runs the callback at `atMs` instead of any time set before. */
  set(atMs: number): void;
  /** Cancels the pending run, if any. */
  clear(): void;
  /** Whether a run is pending. */
  readonly pending: boolean;
}

/** Deadlines this close together fire from the same timer. */
const COALESCE_MS = 1;

class Entry implements SchedulerTimer {
  at = 0;
  seq = 0;
  /** Position in the heap, or -1 when not queued. */
  index = -1;
  /** Truly private: a heap entry pointing back at its heap would make a cycle for anyone dumping a stream. */
  readonly #owner: HeapScheduler;

  constructor(
    owner: HeapScheduler,
    readonly fn: () => void,
  ) {
    this.#owner = owner;
  }

  get pending(): boolean {
    return this.index >= 0;
  }

  set(atMs: number): void {
    this.#owner.set(this, atMs);
  }

  clear(): void {
    this.#owner.remove(this);
  }
}

/** State is in `#` fields: a stream holds its scheduler, and a dump of a stream must stay finite. */
class HeapScheduler implements Scheduler {
  readonly #heap: Entry[] = [];
  #seq = 0;
  #handle: TimerHandle | undefined;
  #handleAt = Infinity;
  #firing = false;
  readonly #onFire = () => this.fire();

  constructor(readonly clock: Clock) {}

  at(atMs: number, fn: () => void): () => void {
    const entry = new Entry(this, fn);
    this.set(entry, atMs);
    return () => this.remove(entry);
  }

  timer(fn: () => void): SchedulerTimer {
    return new Entry(this, fn);
  }

  set(entry: Entry, atMs: number): void {
    entry.at = atMs;
    entry.seq = this.#seq++;
    if (entry.index < 0) {
      entry.index = this.#heap.length;
      this.#heap.push(entry);
      this.up(entry.index);
    } else {
      // A new seq only ever sorts later, so an entry moves up only if its time did.
      this.down(entry.index);
      this.up(entry.index);
    }
    this.arm();
  }

  remove(entry: Entry): void {
    const i = entry.index;
    if (i < 0) return;
    entry.index = -1;
    const last = this.#heap.pop()!;
    if (i < this.#heap.length) {
      this.#heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    if (i === 0) this.arm();
  }

  private arm(): void {
    if (this.#firing) return;
    const next = this.#heap[0];
    if (next === undefined) {
      if (this.#handle !== undefined) this.clock.clearTimeout(this.#handle);
      this.#handle = undefined;
      this.#handleAt = Infinity;
      return;
    }
    if (this.#handle !== undefined && this.#handleAt <= next.at) return;
    if (this.#handle !== undefined) this.clock.clearTimeout(this.#handle);
    this.#handleAt = next.at;
    this.#handle = this.clock.setTimeout(this.#onFire, next.at - this.clock.now());
  }

  private fire(): void {
    this.#handle = undefined;
    this.#handleAt = Infinity;
    const due = this.clock.now() + COALESCE_MS;
    // Entries set while this runs (a stream re-arming itself) wait for the next timer, so one
    // callback cannot keep this loop going.
    const fence = this.#seq;
    this.#firing = true;
    try {
      for (;;) {
        const top = this.#heap[0];
        if (top === undefined || top.at > due || top.seq >= fence) break;
        this.remove(top);
        top.fn();
      }
    } finally {
      this.#firing = false;
      this.arm();
    }
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.before(entry, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = entry;
    entry.index = i;
  }

  private down(i: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.before(heap[r]!, heap[l]!) ? r : l;
      const c = heap[child]!;
      if (!this.before(c, entry)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}

export function createScheduler(clock: Clock): Scheduler {
  return new HeapScheduler(clock);
}

const shared = new WeakMap<Clock, Scheduler>();

/** The process-wide scheduler for a clock. */
export function schedulerFor(clock: Clock): Scheduler {
  let scheduler = shared.get(clock);
  if (!scheduler) {
    scheduler = createScheduler(clock);
    shared.set(clock, scheduler);
  }
  return scheduler;
}
