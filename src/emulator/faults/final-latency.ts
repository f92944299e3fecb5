/**
 * Seeded random delays for finals: each session draws from its own stream (seed and session
 * index), so a run is reproducible and sessions do not share one sequence.
 */
export class FinalLatency {
  readonly #min: number;
  readonly #span: number;
  #state: number;

  constructor(range: readonly [number, number], seed: number, sessionIndex: number) {
    this.#min = range[0];
    this.#span = range[1] - range[0];
    this.#state = (seed ^ Math.imul(sessionIndex + 1, 0x9e3779b9)) >>> 0;
  }

  /** The next delay, wall ms, in [min, max]. */
  next(): number {
    if (this.#span === 0) return this.#min;
    return this.#min + Math.round(this.#random() * this.#span);
  }

  /** mulberry32. */
  #random(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
