/**
 * The service's "send audio in real time" rule as a token bucket: over any wall-time window, the
 * audio received may be at most `maxRatio` × the window plus `leadMs`. The bucket holds up to
 * `leadMs` of audio credit and refills at `maxRatio` audio ms per wall ms; every message spends
 * its audio time. Overdrawing it is a breach. Pure: the caller passes wall time in.
 */
export class PacingGuard {
  readonly #maxRatio: number;
  readonly #leadMs: number;
  #credit: number;
  #lastWallMs: number | null = null;

  constructor(limit: { maxRatio: number; leadMs: number }) {
    this.#maxRatio = limit.maxRatio;
    this.#leadMs = limit.leadMs;
    this.#credit = limit.leadMs;
  }

  /** Spends `audioMs` at `wallMs`; returns by how much the bucket is overdrawn (0 when within the rule). */
  spend(audioMs: number, wallMs: number): number {
    if (this.#lastWallMs !== null) {
      this.#credit = Math.min(this.#leadMs, this.#credit + (wallMs - this.#lastWallMs) * this.#maxRatio);
    }
    this.#lastWallMs = wallMs;
    this.#credit -= audioMs;
    // Sub-ms overdrafts are rounding in audio durations, not a client running ahead.
    return this.#credit < -1e-6 ? -this.#credit : 0;
  }
}

export interface PacingBreach {
  /** Wall ms since the session started. */
  atWallMs: number;
  /** Audio ms received by then. */
  audioMs: number;
  /** By how many audio ms the bucket was overdrawn. */
  excessMs: number;
}

export function pacingBreachDetails(limit: { maxRatio: number; leadMs: number }, excessMs: number): string {
  return (
    `audio runs ahead of real time: ${Math.ceil(excessMs)} ms more than ${limit.maxRatio}x wall time ` +
    `plus ${limit.leadMs} ms lead; send audio at the pace it was recorded`
  );
}
