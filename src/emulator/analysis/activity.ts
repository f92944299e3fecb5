import { DEFAULT_SILENCE_RMS } from '../recognition/recognizer.js';

/**
 * What the emulator's analysis stand-ins know about the audio, besides the recognizer's tokens:
 * which 10 ms blocks had sound (the recognizer's silence level), and the beeps: runs of blocks
 * whose energy is almost all at 1,000 Hz (an answering machine's "leave a message" tone). All in
 * audio time, so the same audio gives the same analysis however it was chunked.
 */

/** Analysis block, as the recognizer's. */
export const ACTIVITY_BLOCK_MS = 10;
/** The beep's frequency. */
export const BEEP_HZ = 1_000;
/** A block is part of a beep when this share of its energy is at `BEEP_HZ` (DTMF pairs stay far below). */
const BEEP_SHARE = 0.7;
/** Shortest run of beep blocks that counts as a beep. */
export const MIN_BEEP_MS = 300;

export interface Span {
  startMs: number;
  endMs: number;
}

export class ActivityTracker {
  readonly #blockSize: number;
  readonly #blockMs: number;
  readonly #coeff: number;
  readonly #silenceRms: number;
  readonly #block: Float64Array;
  #fill = 0;
  #blocks = 0;
  /** Runs of blocks with sound, in order. */
  readonly speech: Span[] = [];
  /** Beeps of at least `MIN_BEEP_MS`, in order. */
  readonly beeps: Span[] = [];
  #beepRun: Span | null = null;

  constructor(sampleRate: number, silenceRms = DEFAULT_SILENCE_RMS) {
    this.#blockSize = Math.round((sampleRate * ACTIVITY_BLOCK_MS) / 1000);
    this.#blockMs = (this.#blockSize * 1000) / sampleRate;
    this.#coeff = 2 * Math.cos((2 * Math.PI * BEEP_HZ) / sampleRate);
    this.#silenceRms = silenceRms;
    this.#block = new Float64Array(this.#blockSize);
  }

  /** Audio analysed so far, ms. */
  get analysedMs(): number {
    return this.#blocks * this.#blockMs;
  }

  push(samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) {
      this.#block[this.#fill++] = samples[i]!;
      if (this.#fill === this.#blockSize) {
        this.#fill = 0;
        this.#analyse();
      }
    }
  }

  /** End of input: a beep still sounding ends here. */
  flush(): void {
    this.#endBeep();
  }

  /** Sound within `span`, in ms. */
  speechWithin(span: Span): number {
    let ms = 0;
    for (const run of this.speech) ms += Math.max(0, Math.min(run.endMs, span.endMs) - Math.max(run.startMs, span.startMs));
    return ms;
  }

  /** The pauses between `span`'s sound (and at its edges), in order. */
  pausesWithin(span: Span): Span[] {
    const pauses: Span[] = [];
    let at = span.startMs;
    for (const run of this.speech) {
      if (run.endMs <= span.startMs || run.startMs >= span.endMs) continue;
      if (run.startMs > at) pauses.push({ startMs: at, endMs: run.startMs });
      at = Math.max(at, run.endMs);
    }
    if (span.endMs > at) pauses.push({ startMs: at, endMs: span.endMs });
    return pauses;
  }

  /** The longest beep overlapping `span`, in ms (0: none). */
  beepWithin(span: Span): number {
    let longest = 0;
    for (const beep of this.beeps) {
      if (beep.endMs > span.startMs && beep.startMs < span.endMs) longest = Math.max(longest, beep.endMs - beep.startMs);
    }
    return longest;
  }

  #analyse(): void {
    const startMs = this.#blocks * this.#blockMs;
    const endMs = ++this.#blocks * this.#blockMs;
    const block = this.#block;
    let energy = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < block.length; i++) {
      const x = block[i]!;
      energy += x * x;
      const s0 = x + this.#coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const active = Math.sqrt(energy / block.length) >= this.#silenceRms;
    const last = this.speech.at(-1);
    if (active) {
      if (last && last.endMs === startMs) last.endMs = endMs;
      else this.speech.push({ startMs, endMs });
    }
    // Goertzel power at BEEP_HZ; a pure tone of n samples has power n/2 · Σx² there.
    const power = s1 * s1 + s2 * s2 - this.#coeff * s1 * s2;
    const beep = active && power >= BEEP_SHARE * (block.length / 2) * energy;
    if (beep) {
      if (this.#beepRun) this.#beepRun.endMs = endMs;
      else this.#beepRun = { startMs, endMs };
    } else {
      this.#endBeep();
    }
  }

  #endBeep(): void {
    const run = this.#beepRun;
    this.#beepRun = null;
    if (run && run.endMs - run.startMs >= MIN_BEEP_MS - 1e-9) this.beeps.push(run);
  }
}
