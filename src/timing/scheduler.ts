import type { Clock, TimerHandle } from './clock.js';

/**
 * One timer for many streams. Each stream asks to be woken at a time; the scheduler keeps the
 * earliest deadline on a single clock timer and runs everything due when it fires, so a thousand
 * paced streams cost one timer, not a thousand.
 */
export interface Scheduler {
  /** Runs `fn` at (or just after) `atMs` on the scheduler's clock. Returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
  readonly clock: Clock;
}

interface Entry {
  at: number;
  seq: number;
  fn: (() => void) | undefined;
}

/** Deadlines this close together fire from the same timer. */
const COALESCE_MS = 1;

export function createScheduler(clock: Clock): Scheduler {
  const heap: Entry[] = [];
  let seq = 0;
  let timer: TimerHandle | undefined;
  let timerAt = Infinity;

  function arm(): void {
    while (heap.length > 0 && heap[0]!.fn === undefined) pop(heap);
    const next = heap[0];
    if (next === undefined) {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      timerAt = Infinity;
      return;
    }
    if (timer !== undefined && timerAt <= next.at) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = next.at;
    timer = clock.setTimeout(fire, next.at - clock.now());
  }

  function fire(): void {
    timer = undefined;
    timerAt = Infinity;
    const due = clock.now() + COALESCE_MS;
    const run: Array<() => void> = [];
    while (heap.length > 0 && heap[0]!.at <= due) {
      const entry = pop(heap)!;
      if (entry.fn) run.push(entry.fn);
      entry.fn = undefined;
    }
    arm();
    for (const fn of run) fn();
  }

  return {
    clock,
    at(atMs, fn) {
      const entry: Entry = { at: atMs, seq: seq++, fn };
      push(heap, entry);
      arm();
      return () => {
        entry.fn = undefined;
        if (heap[0] === entry) arm();
      };
    },
  };
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

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function push(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Entry[]): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last !== undefined) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
