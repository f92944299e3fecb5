/** Positions closer than this are the same point (frame durations are fractional at some rates). */
const EPSILON_MS = 1e-6;

/**
 * Where the user said "the utterance ends here" (external end-of-utterance classifier), as
 * whole-stream positions. A mark goes to the service once all audio before it has been sent, and
 * before any audio after it. Marks sent since the last confirmed final are kept: a new session
 * that replays that audio must hear them again, in the same places.
 */
export class EouMarks {
  private pending: number[] = [];
  private sent: number[] = [];
  private lastMs = 0;

  /** Adds a mark at `streamMs`; a mark at or before the previous one adds nothing. Returns whether it was added. */
  add(streamMs: number): boolean {
    if (streamMs <= this.lastMs + EPSILON_MS) return false;
    this.lastMs = streamMs;
    this.pending.push(streamMs);
    return true;
  }

  /** A mark waits for audio that is not framed yet (the stream should flush a short frame). */
  waitsBeyond(framedMs: number): boolean {
    const next = this.pending[0];
    return next !== undefined && next > framedMs + EPSILON_MS;
  }

  /** The next mark is due once a session has been sent the audio up to `sentToMs`. */
  dueAt(sentToMs: number): boolean {
    const next = this.pending[0];
    return next !== undefined && next <= sentToMs + EPSILON_MS;
  }

  /** The next mark was sent. */
  take(): void {
    const mark = this.pending.shift();
    if (mark !== undefined) this.sent.push(mark);
  }

  /** Finals cover the audio up to `streamMs`: marks before it need no replay. */
  confirm(streamMs: number): void {
    while (this.sent.length > 0 && this.sent[0]! <= streamMs + EPSILON_MS) this.sent.shift();
  }

  /** A new session replays from `streamMs`: sent marks after it are due again. */
  requeue(streamMs: number): void {
    const again = this.sent.filter((m) => m > streamMs + EPSILON_MS);
    this.pending = [...again, ...this.pending];
    this.sent = [];
  }

  /** Forgets everything (the stream stopped listening). */
  clear(): void {
    this.pending = [];
    this.sent = [];
  }

  get size(): number {
    return this.pending.length;
  }
}
