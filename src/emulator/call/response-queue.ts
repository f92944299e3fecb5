import type { SessionResult } from './session-record.js';

/**
 * Runs output actions in the order they were queued, each no earlier than its own due time. Delays
 * model latency, not throughput: a response queued at t with delay d goes out at max(t + d, the
 * previous action's time), so order is always kept and a zero delay adds nothing.
 */
export class ResponseQueue {
  #items: { dueAt: number; run: () => void; results: readonly SessionResult[] }[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  /** `results`: what the action will write, handed back by `cancel()` if it never runs. */
  push(run: () => void, delayMs: number, results: readonly SessionResult[] = []): void {
    this.#items.push({ dueAt: performance.now() + Math.max(0, delayMs), run, results });
    this.#pump();
  }

  /** Drops everything not yet run; returns the results they would have written. */
  cancel(): SessionResult[] {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const dropped = this.#items.flatMap((item) => item.results);
    this.#items = [];
    return dropped;
  }

  #pump(): void {
    if (this.#timer || this.#running) return;
    this.#running = true;
    try {
      while (this.#items.length > 0) {
        const wait = this.#items[0]!.dueAt - performance.now();
        if (wait > 0) {
          this.#timer = setTimeout(() => {
            this.#timer = null;
            this.#pump();
          }, wait);
          return;
        }
        this.#items.shift()!.run();
      }
    } finally {
      this.#running = false;
    }
  }
}
