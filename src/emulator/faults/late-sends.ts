import type { SessionResult } from '../call/session-record.js';

/**
 * Responses a session sends late, outside its response queue's order (v3 refinements and eou
 * updates under `'late'`). Each runs once after its delay unless dropped; what was dropped is
 * handed back for the record.
 */
export class LateSends {
  readonly #timers = new Map<NodeJS.Timeout, SessionResult[]>();

  get pending(): number {
    return this.#timers.size;
  }

  schedule(run: () => void, results: SessionResult[], delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delayMs);
    this.#timers.set(timer, results);
  }

  /** Cancels everything pending; returns the results it would have written. */
  drop(): SessionResult[] {
    const dropped = [...this.#timers.values()].flat();
    for (const timer of this.#timers.keys()) clearTimeout(timer);
    this.#timers.clear();
    return dropped;
  }
}
